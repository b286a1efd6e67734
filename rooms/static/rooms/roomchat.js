// The room's chat is the chat app's own module (chat/static/chat/conversation.js), mounted on
// the room page's [data-chat] markup once we are in the room. It joins the same `room:` topic
// (a re-join on the same connection, which the server answers without side effects).

let mounted = false;

/**
 * Load the chat module once.
 * @param {HTMLElement} root       the room page, with data-chat-module (the module's URL)
 * @param {Record<string, any>} reply  the room's join reply (its `conversation` gives the history URL)
 */
export function mountChat(root, reply) {
  if (mounted) return;
  mounted = true;
  const chat = root.querySelector("[data-chat]");
  if (reply.conversation?.id) {
    chat.dataset.historyUrl = chat.dataset.historyUrlTemplate.replace("/0/", `/${reply.conversation.id}/`);
  }
  keepScrollInside(root);
  import(root.dataset.chatModule).catch((error) => console.error("rooms: the chat failed to load", error));
}

/**
 * The chat module keeps its newest message in view with scrollIntoView, which would also
 * scroll the whole room page (away from the videos) at every message: inside the room's chat,
 * scroll the message list only. Everywhere else the browser's own method runs.
 */
function keepScrollInside(root) {
  const native = Element.prototype.scrollIntoView;
  Element.prototype.scrollIntoView = function scrollIntoView(options) {
    const list = this.parentElement?.closest("[data-chat-messages]");
    if (!list || !root.contains(list)) return native.call(this, options);
    const top = this.offsetTop;
    list.scrollTop = options?.block === "start" ? top : top + this.offsetHeight - list.clientHeight;
    return undefined;
  };
}
