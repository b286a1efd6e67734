// Our own camera and microphone on the room page: publishing when we may (host, stage),
// the mute and camera toggles, the device picker, the host's mute requests, the messages
// that explain a refused permission or a missing device, and telling the room what we send
// (the `media` frame) so the others show our initials or a muted microphone.
import { LocalMedia } from "./media.js";

export class PublishControls {
  /**
   * @param {object} options
   * @param {HTMLElement} options.root            the room page
   * @param {(name: string, vars?: Record<string, any>) => string} options.t
   * @param {import("./peers.js").PeerMesh} options.mesh
   * @param {import("./tiles.js").VideoGrid} options.grid
   * @param {string} options.meName
   * @param {() => {publish: boolean, role: string, over: boolean}} options.state
   * @param {(media: {camera: boolean, microphone: boolean}) => void} options.report
   *   tells the room what we send, each time it changes while we may publish
   */
  constructor({ root, t, mesh, grid, meName, state, report }) {
    this.t = t;
    this.mesh = mesh;
    this.grid = grid;
    this.meName = meName;
    this.state = state;
    this.report = report;
    /** What the room was last told (null: nothing since we joined or got the right to publish). */
    this.reported = null;
    this.media = new LocalMedia();
    const $ = (selector) => root.querySelector(selector);
    this.message = $("[data-room-media-message]");
    this.audioButton = $("[data-room-action=audio]");
    this.videoButton = $("[data-room-action=video]");
    this.devices = $("[data-room-devices]");
    this.selects = [...root.querySelectorAll("[data-room-device]")];
    this.prompt = $("[data-room-mute-request]");
    this._listen();
  }

  get active() {
    return this.media.active;
  }

  /** We may publish: open the devices (once) and send them to every peer. */
  async start() {
    this.message.textContent = "";
    try {
      const { audioOnly, videoError } = await this.media.start();
      const { publish, over, role } = this.state();
      if (!publish || over) {
        this.media.stop(); // taken off stage while the permission prompt was open
        return;
      }
      if (audioOnly) this.message.textContent = this.t(videoError === "busy" ? "camera_busy" : "no_camera");
      this.grid.upsert({ key: "self", name: this.meName, role, self: true });
      this.grid.setStream("self", this.media.stream);
      this.mesh.setLocalStream(this.media.stream);
      this._fillDevicePicker().catch(() => {});
    } catch (error) {
      this.message.textContent = this.t(`media_${error.code || "unsupported"}`);
      this.mesh.setLocalStream(null);
    }
    this.update();
  }

  /** Stop sending at once (the mesh renegotiates without media) and release the devices. */
  stop() {
    this.mesh.setLocalStream(null);
    this.media.stop();
    this.grid.remove("self");
    this.prompt.hidden = true;
    this.update();
  }

  /** After a (re)join the room knows nothing of our devices: tell it again at the next update. */
  forgetReported() {
    this.reported = null;
  }

  /** Show the toggles and the picker while we publish, with their current state. */
  update() {
    const publishing = this.state().publish && this.media.active;
    for (const element of [this.audioButton, this.videoButton, this.devices]) element.hidden = !publishing;
    this._report(publishing);
    if (!publishing) return;
    const audioOn = this.media.isEnabled("audio");
    const videoOn = this.media.isEnabled("video");
    this.audioButton.textContent = this.t(audioOn ? "mic_off" : "mic_on");
    this.audioButton.dataset.on = String(audioOn);
    this.audioButton.disabled = !this.media.track("audio");
    this.videoButton.textContent = this.t(videoOn ? "camera_off" : "camera_on");
    this.videoButton.dataset.on = String(videoOn);
    this.videoButton.disabled = !this.media.track("video");
    this.grid.setMedia("self", this._sending());
  }

  /** Whether each device really sends: a live track, switched on. */
  _sending() {
    const on = (kind) => this.media.track(kind)?.readyState === "live" && this.media.isEnabled(kind);
    return { camera: on("video"), microphone: on("audio") };
  }

  /** Tell the room what we send when it changed (only while we may publish: the server refuses others). */
  _report(publishing) {
    if (!this.state().publish || this.state().over) {
      this.reported = null;
      return;
    }
    const media = publishing ? this._sending() : { camera: false, microphone: false };
    if (this.reported?.camera === media.camera && this.reported?.microphone === media.microphone) return;
    this.reported = media;
    this.report(media);
  }

  /**
   * The host asks us to mute (`audio`) or stop our camera (`video`): ask, never force.
   * @param {string} kind
   */
  askToMute(kind) {
    const which = kind === "video" ? "video" : "audio";
    if (!this.media.active || !this.media.isEnabled(which)) return;
    this.prompt.querySelector("[data-room-mute-text]").textContent = this.t(which === "video" ? "asked_camera_off" : "asked_mute");
    this.prompt.dataset.kind = which;
    this.prompt.hidden = false;
    this.prompt.querySelector("[data-room-mute-accept]").focus();
  }

  async _fillDevicePicker() {
    const found = await this.media.devices();
    for (const select of this.selects) {
      const kind = select.dataset.roomDevice;
      const current = this.media.track(kind)?.getSettings().deviceId || this.media.chosen[kind];
      const options = found[kind].map((device, index) => {
        const option = document.createElement("option");
        option.value = device.deviceId;
        option.textContent = device.label || this.t(kind === "audio" ? "microphone_n" : "camera_n", { n: index + 1 });
        option.selected = device.deviceId === current;
        return option;
      });
      select.replaceChildren(...options);
      select.disabled = options.length < 2;
    }
  }

  _listen() {
    const toggle = (kind) => {
      this.media.setEnabled(kind, !this.media.isEnabled(kind));
      this.update();
    };
    this.audioButton.addEventListener("click", () => toggle("audio"));
    this.videoButton.addEventListener("click", () => toggle("video"));
    for (const select of this.selects) {
      select.addEventListener("change", async () => {
        try {
          await this.media.useDevice(select.dataset.roomDevice, select.value);
          this.message.textContent = "";
        } catch (error) {
          this.message.textContent = this.t(`media_${error.code || "unsupported"}`);
        }
      });
    }
    this.media.addEventListener("trackchange", ({ detail }) => {
      this.mesh.replaceTrack(detail.kind, detail.track);
      this.grid.setStream("self", this.media.stream);
      this.update();
    });
    this.media.addEventListener("trackended", ({ detail }) => {
      this.message.textContent = this.t(detail.kind === "video" ? "camera_lost" : "microphone_lost");
      this.update();
    });
    this.media.addEventListener("devicechange", () => {
      if (this.media.active) this._fillDevicePicker().catch(() => {});
    });
    this.prompt.querySelector("[data-room-mute-accept]").addEventListener("click", () => {
      const kind = this.prompt.dataset.kind;
      this.media.setEnabled(kind, false);
      this.prompt.hidden = true;
      this.update();
      (kind === "video" ? this.videoButton : this.audioButton).focus();
    });
    this.prompt.querySelector("[data-room-mute-dismiss]").addEventListener("click", () => {
      this.prompt.hidden = true;
    });
    addEventListener("pagehide", () => this.media.stop());
  }
}
