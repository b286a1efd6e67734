// The Web Push service worker, served at /sw.js (frontend.notification_views.service_worker)
// so that its scope is the whole site. Each push is a notification the server encrypted for
// this browser: {"title", "body", "url", "tag"}; a click opens (or focuses) its page.
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = { body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    self.registration.showNotification(message.title || "Backstage", {
      body: message.body || "",
      tag: message.tag,
      data: { url: message.url || "/notifications/" },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data.url, self.location.origin);
  // Only this site's pages: the URL came from our server, but a click must not leave it.
  const target = url.origin === self.location.origin ? url.href : self.location.origin;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === target && "focus" in client) return client.focus();
      }
      return self.clients.openWindow(target);
    }),
  );
});
