// The video grid of the room page: one tile per publishing peer (the host first and large,
// then the stage) and our own view, muted. Audio plays through the remote tiles' <video>.
// A camera switched off shows the person's initials, a microphone switched off an icon.

/**
 * @typedef {object} TileInfo
 * @property {string} key        a peer id, or "self"
 * @property {string} name
 * @property {string|null} [photo]  the profile photo's URL, shown while the camera is off
 * @property {string} role       "host" | "stage" | "audience"
 * @property {boolean} self
 * @property {boolean} [camera]      false: the peer says its camera is off
 * @property {boolean} [microphone]  false: the peer says its microphone is off
 */

const SVG = "http://www.w3.org/2000/svg";

/** A crossed-out microphone, drawn here so the tile needs no icon file. */
function micOffIcon() {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.classList.add("room-tile__icon");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", "M9 5a3 3 0 016 0v6a3 3 0 01-6 0zM5.5 11a6.5 6.5 0 0013 0M12 17.5V21M4 4l16 16");
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "currentColor");
  path.setAttribute("stroke-width", "2");
  path.setAttribute("stroke-linecap", "round");
  svg.append(path);
  return svg;
}

function initials(name) {
  const parts = (name || "?").trim().split(/\s+/).filter(Boolean);
  return (parts.length > 1 ? parts[0][0] + parts.at(-1)[0] : (parts[0] || "?").slice(0, 2)).toUpperCase();
}

export class VideoGrid {
  /**
   * @param {HTMLElement} list  the <ul> of tiles
   * @param {(name: string, vars?: Record<string, string>) => string} t  the page's translations
   */
  constructor(list, t) {
    this.list = list;
    this.t = t;
    /** @type {Map<string, HTMLLIElement>} */
    this.tiles = new Map();
    /** Set once the user pressed "turn sound on": later tiles start unmuted. */
    this.soundUnlocked = false;
  }

  /**
   * Show (or update) the tile of `info`.
   * @param {TileInfo} info
   */
  upsert(info) {
    let tile = this.tiles.get(info.key);
    if (!tile) {
      tile = this._make(info);
      this.tiles.set(info.key, tile);
    }
    tile.dataset.role = info.role;
    tile.classList.toggle("room-tile--host", info.role === "host");
    tile.classList.toggle("room-tile--self", info.self);
    const name = tile.querySelector(".room-tile__name-text");
    name.textContent = info.self ? this.t("you", { name: info.name }) : info.name;
    const placeholder = tile.querySelector(".room-tile__placeholder");
    if (info.photo && placeholder.querySelector("img")?.getAttribute("src") !== info.photo) {
      // The profile photo while the camera is off; the name is on the tile already.
      const photo = document.createElement("img");
      photo.className = "room-tile__photo";
      photo.src = info.photo;
      photo.alt = "";
      placeholder.replaceChildren(photo);
    } else if (!info.photo) {
      placeholder.textContent = initials(info.name);
    }
    const badge = tile.querySelector(".room-tile__badge");
    badge.textContent = info.role === "host" ? this.t("role_host") : info.role === "stage" ? this.t("role_stage") : "";
    badge.hidden = !badge.textContent;
    tile.querySelector("video").setAttribute("aria-label", this.t("video_of", { name: info.name }));
    this.setMedia(info.key, info);
    this._order();
    return tile;
  }

  /**
   * Show what a peer says it sends: initials instead of the (black) picture when its camera
   * is off, and a marker, with words for screen readers, when its microphone is off.
   * Unknown (undefined) counts as on.
   * @param {string} key
   * @param {{camera?: boolean, microphone?: boolean}} media
   */
  setMedia(key, { camera, microphone }) {
    const tile = this.tiles.get(key);
    if (!tile) return;
    tile.dataset.camera = camera === false ? "off" : "on";
    tile.dataset.microphone = microphone === false ? "off" : "on";
    tile.querySelector(".room-tile__camera-off").hidden = camera !== false;
    tile.querySelector(".room-tile__mic-off").hidden = microphone !== false;
  }

  /**
   * Play `stream` in the tile of `key` (null: nothing to show yet).
   * @param {string} key
   * @param {MediaStream | null} stream
   */
  setStream(key, stream) {
    const tile = this.tiles.get(key);
    if (!tile) return;
    const video = tile.querySelector("video");
    if (video.srcObject !== stream) video.srcObject = stream;
    const hasVideo = Boolean(stream?.getVideoTracks().some((track) => track.readyState === "live" && !track.muted));
    tile.dataset.video = hasVideo ? "on" : "off";
    if (stream) this._play(tile, video);
  }

  remove(key) {
    const tile = this.tiles.get(key);
    if (!tile) return;
    const video = tile.querySelector("video");
    video.srcObject = null;
    tile.remove();
    this.tiles.delete(key);
  }

  /** Keep only the tiles whose keys are in `keys`. */
  retain(keys) {
    for (const key of [...this.tiles.keys()]) if (!keys.has(key)) this.remove(key);
  }

  clear() {
    this.retain(new Set());
  }

  _make(info) {
    const tile = document.createElement("li");
    tile.className = "room-tile";
    tile.dataset.tile = info.key;
    tile.dataset.video = "off";
    const video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    video.setAttribute("playsinline", "");
    // Our own view is always muted: hearing oneself echoes.
    video.muted = info.self;
    video.className = `room-tile__video${info.self ? " room-tile__video--mirror" : ""}`;
    const placeholder = document.createElement("span");
    placeholder.className = "room-tile__placeholder";
    placeholder.setAttribute("aria-hidden", "true");
    const caption = document.createElement("p");
    caption.className = "room-tile__name";
    const text = document.createElement("span");
    text.className = "room-tile__name-text";
    const badge = document.createElement("span");
    badge.className = "room-tile__badge";
    const cameraOff = document.createElement("span");
    cameraOff.className = "visually-hidden room-tile__camera-off";
    cameraOff.textContent = this.t("camera_is_off");
    cameraOff.hidden = true;
    const micOff = document.createElement("span");
    micOff.className = "room-tile__mic-off";
    micOff.title = this.t("microphone_is_off");
    const micText = document.createElement("span");
    micText.className = "visually-hidden";
    micText.textContent = this.t("microphone_is_off");
    micOff.append(micOffIcon(), micText);
    micOff.hidden = true;
    caption.append(text, micOff, badge, cameraOff);
    tile.append(video, placeholder, caption);
    if (!info.self) {
      const sound = document.createElement("button");
      sound.type = "button";
      sound.className = "button button--small room-tile__sound";
      sound.textContent = this.t("sound_on");
      sound.hidden = true;
      sound.addEventListener("click", () => this.unlockSound());
      tile.append(sound);
    }
    video.addEventListener("resize", () => {
      if (video.videoWidth > 0 && tile.dataset.video !== "muted") tile.dataset.video = "on";
    });
    this.list.append(tile);
    return tile;
  }

  async _play(tile, video) {
    try {
      await video.play();
    } catch (error) {
      if (error?.name !== "NotAllowedError") return; // e.g. AbortError: a newer srcObject took over
      // Autoplay with sound refused before any click: play muted, offer a button for sound.
      video.muted = true;
      await video.play().catch(() => {});
    }
    const sound = tile.querySelector(".room-tile__sound");
    if (sound) sound.hidden = !video.muted;
  }

  /** One click on "turn sound on" unmutes every remote tile (autoplay policies need a gesture). */
  unlockSound() {
    this.soundUnlocked = true;
    for (const tile of this.tiles.values()) {
      if (tile.classList.contains("room-tile--self")) continue;
      const video = tile.querySelector("video");
      video.muted = false;
      video.play().catch(() => {});
      const sound = tile.querySelector(".room-tile__sound");
      if (sound) sound.hidden = true;
    }
  }

  /** Host first, then the stage, our own view last. */
  _order() {
    const rank = (tile) => (tile.dataset.role === "host" ? 0 : tile.classList.contains("room-tile--self") ? 2 : 1);
    const sorted = [...this.tiles.values()].sort((a, b) => rank(a) - rank(b));
    sorted.forEach((tile, index) => {
      if (this.list.children[index] !== tile) this.list.insertBefore(tile, this.list.children[index] || null);
    });
    this.list.dataset.count = String(this.tiles.size);
  }
}
