// Notifications in the page: the header bell's count, kept live by the `notification` and
// `notification.read` pushes on the user's topic (fetched again after a reconnect, since
// pushes sent while the socket was down are lost); and, on the notification settings page,
// Web Push on this device (a service worker at /sw.js, subscribed with the site's VAPID key).
import { socket } from "backstage/shell.js";

const bell = document.querySelector("[data-notification-bell]");
const announcer = document.querySelector("[data-notification-announce]");

function showCount(unread) {
  const badge = bell.querySelector("[data-notification-count]");
  badge.textContent = unread > 99 ? "99+" : String(unread);
  badge.hidden = unread === 0;
  const label = unread === 0 ? bell.dataset.labelNone : unread === 1 ? bell.dataset.labelOne : bell.dataset.labelMany;
  // The templates were rendered with 1 and 2: put the real number in their place.
  bell.setAttribute("aria-label", label.replace(/\d+/, String(unread)));
  bell.dataset.unread = String(unread);
}

async function reload() {
  const response = await fetch(`${bell.dataset.api}?page_size=1`, {
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  if (response.ok) showCount((await response.json()).unread);
}

if (bell) {
  socket.on("notification", ({ data }) => {
    showCount(data.unread);
    if (announcer && data.text) announcer.textContent = data.text;
  });
  socket.on("notification.read", ({ data }) => showCount(data.unread));
  let wasDown = false;
  socket.onStatus((status) => {
    if (status === "live" && wasDown) reload();
    wasDown = status === "reconnecting";
  });
}

// --- Web Push on this device -------------------------------------------------------------

function keyBytes(base64url) {
  const padded = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4)).replaceAll("-", "+").replaceAll("_", "/");
  return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
}

async function setUpPush(box) {
  const status = box.querySelector("[data-webpush-status]");
  const on = box.querySelector("[data-webpush-on]");
  const off = box.querySelector("[data-webpush-off]");
  const texts = box.querySelector("[data-webpush-texts]").content;
  const say = (name) => {
    status.textContent = texts.querySelector(`[data-text="${name}"]`).textContent;
  };
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("unsupported");
    return;
  }
  const send = (method, body) =>
    fetch(box.dataset.api, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": box.dataset.csrf },
      body: JSON.stringify(body),
    });
  const show = (subscribed) => {
    on.hidden = subscribed;
    off.hidden = !subscribed;
    say(Notification.permission === "denied" ? "denied" : subscribed ? "on" : "off");
  };
  let registration;
  try {
    registration = await navigator.serviceWorker.register(box.dataset.worker, { scope: "/" });
    show(Boolean(await registration.pushManager.getSubscription()));
  } catch {
    say("unsupported");
    return;
  }
  on.addEventListener("click", async () => {
    try {
      if ((await Notification.requestPermission()) !== "granted") {
        show(false);
        return;
      }
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(box.dataset.publicKey),
      });
      const json = subscription.toJSON();
      const response = await send("POST", { endpoint: json.endpoint, keys: json.keys });
      if (!response.ok) {
        await subscription.unsubscribe();
        throw new Error(`subscription refused: ${response.status}`);
      }
      show(true);
    } catch {
      say("error");
    }
  });
  off.addEventListener("click", async () => {
    try {
      const subscription = await registration.pushManager.getSubscription();
      if (subscription) {
        await send("DELETE", { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      show(false);
    } catch {
      say("error");
    }
  });
}

const pushBox = document.querySelector("[data-webpush]");
if (pushBox) setUpPush(pushBox);
