// Camera and microphone for the room page: one local stream, a device picker, toggles, an
// audio-only fallback, and browser errors turned into a few codes the page can explain.
//
//   const media = new LocalMedia();
//   try { const { audioOnly } = await media.start(); } catch (error) { show(error.code); }
//   media.addEventListener("trackchange", ({ detail }) => mesh.replaceTrack(detail.kind, detail.track));

/**
 * @typedef {"denied" | "no_device" | "busy" | "unsupported"} MediaErrorCode
 * "denied": the user or a policy refused the permission (NotAllowedError, SecurityError);
 * "no_device": no camera nor microphone, or the chosen one is gone (NotFoundError, OverconstrainedError);
 * "busy": the device exists but cannot be opened, often because another app holds it (NotReadableError);
 * "unsupported": no getUserMedia (an old browser, or a page not served over HTTPS).
 */

export class MediaError extends Error {
  /**
   * @param {MediaErrorCode} code
   * @param {unknown} [cause]
   */
  constructor(code, cause) {
    super(code);
    this.name = "MediaError";
    this.code = code;
    this.cause = cause;
  }
}

/**
 * @param {unknown} error  what getUserMedia rejected with
 * @returns {MediaErrorCode}
 */
export function mediaErrorCode(error) {
  const name = /** @type {{name?: string}} */ (error)?.name;
  if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") return "denied";
  if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") return "no_device";
  if (name === "NotReadableError" || name === "TrackStartError" || name === "AbortError") return "busy";
  return "unsupported";
}

// Small video on purpose: in mesh every publisher uploads one copy per viewer.
const VIDEO_CONSTRAINTS = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { max: 24 } };
const AUDIO_CONSTRAINTS = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

export class LocalMedia extends EventTarget {
  constructor() {
    super();
    /** @type {MediaStream | null} */
    this.stream = null;
    /** deviceId chosen in the picker, per kind ("" = the browser's default). */
    this.chosen = { audio: "", video: "" };
    this._onDeviceChange = () => this.dispatchEvent(new Event("devicechange"));
    navigator.mediaDevices?.addEventListener?.("devicechange", this._onDeviceChange);
  }

  /** @param {"audio" | "video"} kind */
  track(kind) {
    return this.stream?.getTracks().find((track) => track.kind === kind) || null;
  }

  get active() {
    return Boolean(this.stream?.getTracks().some((track) => track.readyState === "live"));
  }

  /**
   * Open the camera and the microphone. When the camera alone fails (none, or busy), fall
   * back to the microphone: `audioOnly` is then true and `videoError` says why.
   * @returns {Promise<{stream: MediaStream, audioOnly: boolean, videoError: MediaErrorCode | null}>}
   * @throws {MediaError} when not even the microphone can be opened
   */
  async start() {
    if (!navigator.mediaDevices?.getUserMedia) throw new MediaError("unsupported");
    if (this.stream) return { stream: this.stream, audioOnly: !this.track("video"), videoError: null };
    let stream;
    let videoError = null;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: this._constraints("audio"),
        video: this._constraints("video"),
      });
    } catch (error) {
      const code = mediaErrorCode(error);
      if (code === "denied" || code === "unsupported") throw new MediaError(code, error);
      // No camera, or a camera held by another app: the microphone may still work.
      videoError = code;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: this._constraints("audio") });
      } catch (audioError) {
        throw new MediaError(mediaErrorCode(audioError), audioError);
      }
    }
    this.stream = stream;
    for (const track of stream.getTracks()) this._watch(track);
    return { stream, audioOnly: !this.track("video"), videoError };
  }

  /** Release the devices (the camera light goes off). */
  stop() {
    for (const track of this.stream?.getTracks() || []) track.stop();
    this.stream = null;
  }

  /**
   * Mute or unmute one kind. The track stays (peers keep their senders), it only sends
   * silence or black frames, so unmuting needs no renegotiation.
   * @param {"audio" | "video"} kind
   * @param {boolean} enabled
   */
  setEnabled(kind, enabled) {
    const track = this.track(kind);
    if (track) track.enabled = enabled;
    return Boolean(track?.enabled);
  }

  /** @param {"audio" | "video"} kind */
  isEnabled(kind) {
    return Boolean(this.track(kind)?.enabled);
  }

  /**
   * The devices for the picker. Labels are empty until a permission was granted.
   * @returns {Promise<{audio: MediaDeviceInfo[], video: MediaDeviceInfo[]}>}
   */
  async devices() {
    const all = (await navigator.mediaDevices?.enumerateDevices?.()) || [];
    return {
      audio: all.filter((device) => device.kind === "audioinput"),
      video: all.filter((device) => device.kind === "videoinput"),
    };
  }

  /**
   * Switch to another camera or microphone; peers are told by a "trackchange" event
   * ({kind, track}) so they replace the track without renegotiating.
   * @param {"audio" | "video"} kind
   * @param {string} deviceId
   * @throws {MediaError}
   */
  async useDevice(kind, deviceId) {
    this.chosen[kind] = deviceId;
    if (!this.stream) return null;
    const old = this.track(kind);
    let fresh;
    try {
      fresh = await navigator.mediaDevices.getUserMedia({ [kind]: this._constraints(kind) });
    } catch (error) {
      throw new MediaError(mediaErrorCode(error), error);
    }
    const track = fresh.getTracks()[0];
    // Keep the user's mute choice across the switch.
    if (old) {
      track.enabled = old.enabled;
      this.stream.removeTrack(old);
      old.stop();
    }
    this.stream.addTrack(track);
    this._watch(track);
    this.dispatchEvent(new CustomEvent("trackchange", { detail: { kind, track } }));
    return track;
  }

  /** @param {"audio" | "video"} kind */
  _constraints(kind) {
    const base = kind === "video" ? VIDEO_CONSTRAINTS : AUDIO_CONSTRAINTS;
    const deviceId = this.chosen[kind];
    return deviceId ? { ...base, deviceId: { exact: deviceId } } : { ...base };
  }

  /** A device unplugged mid-call ends its track: tell the page. */
  _watch(track) {
    track.addEventListener("ended", () => {
      if (this.stream?.getTracks().includes(track)) {
        this.dispatchEvent(new CustomEvent("trackended", { detail: { kind: track.kind } }));
      }
    });
  }
}
