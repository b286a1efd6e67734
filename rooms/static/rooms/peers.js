// Peer connections of the room page: one RTCPeerConnection per remote peer, perfect
// negotiation (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example), trickle ICE,
// ICE restart when a connection fails or stays disconnected, and publish rights that add or
// drop our tracks (renegotiating) when the host moves us on or off the stage.
//
// Signalling goes through `signal(to, kind, fields)` (the page sends a `signal` frame on the
// room topic); remote signals come in through `handleSignal(data)`.

/** A connection left `disconnected` this long gets an ICE restart (it may come back alone). */
const DISCONNECTED_GRACE_MS = 4000;
/** A negotiated connection that has not connected this long gets an ICE restart. */
const STUCK_MS = 5000;
/** The polite side waits this much longer before its own restart (see watchIce). */
const POLITE_EXTRA_MS = 3000;
/** How long the polite side waits for the first offer before offering itself (see Peer). */
const FIRST_OFFER_WAIT_MS = 4000;
/** Signals refused for sending too fast are tried again after this long. */
const RATE_LIMIT_RETRY_MS = 1000;

/**
 * @typedef {object} PeerInfo
 * @property {string} peer_id
 * @property {{id: number, name: string, role: string}} user
 * @property {string} role     "host" | "stage" | "audience"
 * @property {boolean} publish
 */

/**
 * Who connects to whom: the media mode's decision, kept in one place (the server has the same
 * seam in rooms/media.py). In mesh, a pair connects when at least one side publishes; an SFU
 * mode would instead connect every peer to the forwarding unit only.
 * @param {string} mode          the room's `media_mode`
 * @param {boolean} selfPublish
 * @param {PeerInfo} other
 */
export function shouldConnect(mode, selfPublish, other) {
  if (mode === "mesh") return selfPublish || Boolean(other.publish);
  return false;
}

class Peer {
  /**
   * @param {PeerMesh} mesh
   * @param {string} remoteId
   * @param {boolean} remotePublishes
   */
  constructor(mesh, remoteId, remotePublishes) {
    this.mesh = mesh;
    this.remoteId = remoteId;
    // Perfect negotiation: the lower peer_id yields when both sides offer at once.
    this.polite = mesh.selfId < remoteId;
    // When both sides publish, the impolite side makes the first offer and the polite side
    // answers it with its tracks: Chromium stops gathering ICE candidates on a connection
    // whose very first offer was rolled back by a collision, so that collision is avoided.
    this.awaitFirstOffer = this.polite && remotePublishes;
    /** @type {MediaStream | null | undefined} our tracks, held until the first offer */
    this.heldStream = undefined;
    this.firstOfferTimer = null;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.answerPending = false;
    this.closed = false;
    /** Candidates that arrived before the remote description they belong to. */
    this.earlyCandidates = [];
    this.disconnectTimer = null;
    this.stuckTimer = null;
    this.remoteStream = new MediaStream();
    this.pc = new RTCPeerConnection({ iceServers: mesh.iceServers });
    this.pc.onnegotiationneeded = () => this.negotiate();
    this.pc.onicecandidate = ({ candidate }) => {
      // The end of gathering (null) needs no message: trickle ICE copes without it.
      if (candidate) this.send("candidate", { candidate: candidate.toJSON() });
    };
    this.pc.ontrack = ({ track }) => this.addRemoteTrack(track);
    this.pc.oniceconnectionstatechange = () => this.watchIce();
    this.pc.onsignalingstatechange = () => {
      if (this.pc.signalingState === "stable") this.watchStuck();
    };
    this.pc.onconnectionstatechange = () => mesh.onState(remoteId, this.pc.connectionState);
  }

  send(kind, fields) {
    if (this.closed) return Promise.resolve();
    return this.mesh.send(this.remoteId, kind, fields);
  }

  async negotiate() {
    if (this.closed) return;
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      const description = this.pc.localDescription;
      if (description && description.type === "offer") await this.send("offer", { sdp: description.sdp });
    } catch (error) {
      this.mesh.onError(error, this.remoteId);
    } finally {
      this.makingOffer = false;
    }
  }

  /** @param {{kind: string, sdp?: string, candidate?: RTCIceCandidateInit}} data */
  async receive(data) {
    if (data.kind === "offer" || data.kind === "answer") {
      const description = { type: data.kind, sdp: data.sdp || "" };
      const readyForOffer = !this.makingOffer && (this.pc.signalingState === "stable" || this.answerPending);
      const collision = description.type === "offer" && !readyForOffer;
      this.ignoreOffer = !this.polite && collision;
      if (this.ignoreOffer) return;
      this.answerPending = description.type === "answer";
      // An answer to an offer we never made (a late one from before a rollback) is dropped.
      if (description.type === "answer" && this.pc.signalingState !== "have-local-offer") {
        this.answerPending = false;
        return;
      }
      await this.pc.setRemoteDescription(description); // a polite side rolls back its offer here
      this.answerPending = false;
      if (this.heldStream !== undefined) this.releaseHeldStream(); // answered with our tracks
      for (const candidate of this.earlyCandidates.splice(0)) await this.addCandidate(candidate);
      if (description.type === "offer") {
        await this.pc.setLocalDescription();
        const answer = this.pc.localDescription;
        if (answer) await this.send("answer", { sdp: answer.sdp });
      }
    } else if (data.kind === "candidate" && data.candidate) {
      if (!this.pc.remoteDescription) {
        this.earlyCandidates.push(data.candidate);
        return;
      }
      await this.addCandidate(data.candidate);
    }
  }

  async addCandidate(candidate) {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (error) {
      // Candidates of an offer we chose to ignore are expected to fail.
      if (!this.ignoreOffer) throw error;
    }
  }

  addRemoteTrack(track) {
    for (const old of this.remoteStream.getTracks()) {
      if (old.kind === track.kind && old !== track) this.remoteStream.removeTrack(old);
    }
    if (!this.remoteStream.getTracks().includes(track)) this.remoteStream.addTrack(track);
    const changed = () => this.mesh.onRemoteStream(this.remoteId, this.remoteStream);
    track.onunmute = changed;
    track.onmute = changed;
    track.onended = changed;
    changed();
  }

  get connected() {
    return ["connected", "completed"].includes(this.pc.iceConnectionState);
  }

  /**
   * ICE restart when the connection fails, or stays disconnected (often a hiccup that heals by
   * itself). The impolite side restarts first, so both ends rarely offer at once; the polite
   * side restarts too if the connection is still down a while later.
   */
  watchIce() {
    const state = this.pc.iceConnectionState;
    clearTimeout(this.disconnectTimer);
    if (state !== "failed" && state !== "disconnected") return;
    const wait = (state === "failed" ? 0 : DISCONNECTED_GRACE_MS) + (this.polite ? POLITE_EXTRA_MS : 0);
    this.disconnectTimer = setTimeout(() => {
      const now = this.pc.iceConnectionState;
      if (now === "failed" || now === "disconnected") this.restartIce();
    }, wait);
  }

  /**
   * A negotiation finished but ICE does not connect: candidates were lost (Chromium drops
   * the polite side's candidates when an offer collision rolls its offer back). An ICE restart
   * gathers and sends them again.
   */
  watchStuck() {
    clearTimeout(this.stuckTimer);
    this.stuckTimer = setTimeout(() => {
      if (this.closed || this.connected || this.pc.signalingState !== "stable") return;
      this.restartIce();
    }, STUCK_MS + (this.polite ? POLITE_EXTRA_MS : 0));
  }

  /**
   * Send our tracks (publish) or stop sending them. Reuses the transceiver of each kind, so
   * going on and off stage renegotiates directions instead of piling up m-lines.
   * @param {MediaStream | null} stream
   */
  setLocalStream(stream) {
    if (this.awaitFirstOffer && !this.pc.remoteDescription) {
      this.heldStream = stream;
      clearTimeout(this.firstOfferTimer);
      // No offer came (the other side may not know of us yet): offer ourselves.
      this.firstOfferTimer = setTimeout(() => this.releaseHeldStream(), FIRST_OFFER_WAIT_MS);
      return;
    }
    const tracks = stream ? stream.getTracks() : [];
    for (const kind of ["audio", "video"]) {
      const track = tracks.find((candidate) => candidate.kind === kind) || null;
      const transceiver = this.pc.getTransceivers().find(
        (item) => !item.stopped && (item.sender.track?.kind === kind || item.receiver.track.kind === kind),
      );
      if (track) {
        if (transceiver) {
          if (transceiver.sender.track !== track) transceiver.sender.replaceTrack(track);
          transceiver.sender.setStreams?.(stream);
          if (transceiver.direction !== "sendrecv") transceiver.direction = "sendrecv";
        } else {
          this.pc.addTrack(track, stream);
        }
      } else if (transceiver && transceiver.sender.track) {
        transceiver.sender.replaceTrack(null);
        if (transceiver.direction !== "recvonly") transceiver.direction = "recvonly";
      } else if (transceiver && (transceiver.direction === "sendrecv" || transceiver.direction === "sendonly")) {
        transceiver.direction = "recvonly";
      }
    }
  }

  releaseHeldStream() {
    clearTimeout(this.firstOfferTimer);
    const stream = this.heldStream;
    this.awaitFirstOffer = false;
    this.heldStream = undefined;
    if (!this.closed && stream !== undefined) this.setLocalStream(stream);
  }

  /** @param {"audio" | "video"} kind  @param {MediaStreamTrack} track */
  replaceTrack(kind, track) {
    for (const transceiver of this.pc.getTransceivers()) {
      if (!transceiver.stopped && transceiver.sender.track?.kind === kind) transceiver.sender.replaceTrack(track);
    }
  }

  restartIce() {
    if (!this.closed) this.pc.restartIce();
  }

  close() {
    this.closed = true;
    clearTimeout(this.disconnectTimer);
    clearTimeout(this.stuckTimer);
    clearTimeout(this.firstOfferTimer);
    this.pc.onnegotiationneeded = null;
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    this.pc.oniceconnectionstatechange = null;
    this.pc.onsignalingstatechange = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
  }
}

export class PeerMesh {
  /**
   * @param {object} options
   * @param {(to: string, kind: string, fields: Record<string, any>) => Promise<any>} options.signal
   * @param {(peerId: string, stream: MediaStream) => void} [options.onRemoteStream]
   * @param {(peerId: string, state: RTCPeerConnectionState) => void} [options.onState]
   * @param {(error: unknown, peerId: string) => void} [options.onError]
   */
  constructor({ signal, onRemoteStream, onState, onError }) {
    this._signal = signal;
    this.onRemoteStream = onRemoteStream || (() => {});
    this.onState = onState || (() => {});
    this.onError = onError || ((error) => console.warn("rooms: peer error", error));
    this.selfId = "";
    /** @type {RTCIceServer[]} */
    this.iceServers = [];
    /** @type {MediaStream | null} what we publish, or null for the audience */
    this.localStream = null;
    /** @type {Map<string, Peer>} */
    this.peers = new Map();
    /** Peers that left: a late signal of theirs must not open a connection to nobody. */
    this.gone = new Set();
  }

  /**
   * Start over as `selfId` (a join or a rejoin after a reconnect gives a new peer id).
   * @param {string} selfId
   * @param {RTCIceServer[]} iceServers
   */
  reset(selfId, iceServers) {
    this.closeAll();
    this.selfId = selfId;
    this.iceServers = iceServers || [];
  }

  /** @param {string} peerId */
  has(peerId) {
    return this.peers.has(peerId);
  }

  /**
   * The connection to `peerId`, made (with our tracks, if we publish) when missing.
   * @param {string} peerId
   * @param {boolean} [remotePublishes]  whether that peer sends media (it then offers first)
   */
  ensure(peerId, remotePublishes = false) {
    let peer = this.peers.get(peerId);
    if (!peer) {
      peer = new Peer(this, peerId, remotePublishes);
      this.peers.set(peerId, peer);
      if (this.localStream) peer.setLocalStream(this.localStream);
    }
    return peer;
  }

  /**
   * Close the connection to `peerId`; with `notify`, tell the other side (`bye`); with
   * `gone`, the peer left the room: its late signals are ignored.
   * @param {string} peerId
   * @param {{notify?: boolean, gone?: boolean}} [options]
   */
  close(peerId, { notify = false, gone = false } = {}) {
    if (gone) this.gone.add(peerId);
    const peer = this.peers.get(peerId);
    if (!peer) return;
    if (notify) peer.send("bye", {}).catch(() => {});
    peer.close();
    this.peers.delete(peerId);
  }

  /** @param {{notify?: boolean}} [options] */
  closeAll(options = {}) {
    for (const peerId of [...this.peers.keys()]) this.close(peerId, options);
  }

  /**
   * Publish `stream` on every connection, or stop publishing (null).
   * @param {MediaStream | null} stream
   */
  setLocalStream(stream) {
    this.localStream = stream;
    for (const peer of this.peers.values()) peer.setLocalStream(stream);
  }

  /** A new camera or microphone: swap the track on every sender, no renegotiation. */
  replaceTrack(kind, track) {
    for (const peer of this.peers.values()) peer.replaceTrack(kind, track);
  }

  /** @param {{from: string, kind: string, sdp?: string, candidate?: RTCIceCandidateInit}} data */
  async handleSignal(data) {
    if (!data?.from || data.from === this.selfId || this.gone.has(data.from)) return;
    if (data.kind === "bye") {
      this.close(data.from);
      this.onRemoteStream(data.from, null);
      return;
    }
    try {
      await this.ensure(data.from).receive(data);
    } catch (error) {
      this.onError(error, data.from);
    }
  }

  async send(to, kind, fields) {
    try {
      return await this._signal(to, kind, fields);
    } catch (error) {
      if (error?.code === "rate_limited") {
        await new Promise((resolve) => setTimeout(resolve, RATE_LIMIT_RETRY_MS));
        if (this.peers.has(to)) return this._signal(to, kind, fields).catch((again) => this.onError(again, to));
        return undefined;
      }
      // The peer left meanwhile: its presence leave cleans up.
      if (error?.code !== "not_found") this.onError(error, to);
      return undefined;
    }
  }
}
