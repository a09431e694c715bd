// The chat page: the rasa-webchat widget (window.WebChat, from var/webchat/) embedded in #chat,
// and the photo search, which uploads to the engine's POST /images and then sends the bot
// /image_search{"image_id": ...} through the widget. It also makes turns readable: full card titles
// on hover or tap, "Why?"'s score breakdown behind a toggle, photos scrolled into view when they load,
// and the greeting always first.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("fashionbot-config").textContent);
  var chatElement = document.getElementById("chat");
  var form = document.getElementById("photo-search");
  var fileInput = document.getElementById("photo-file");
  var preview = document.getElementById("photo-preview");
  var statusLine = document.getElementById("photo-status");
  var widget = null; // the widget's handle: sendMessage(payload, shownText)

  function setStatus(text, isError) {
    statusLine.textContent = text;
    statusLine.className = isError ? "error" : "";
  }

  if (!window.WebChat || !window.WebChat.default) {
    chatElement.textContent = "The chat widget is not installed: run `make webchat`, then reload.";
    chatElement.className += " missing";
    form.hidden = true;
    return;
  }

  window.WebChat.default({
    socketUrl: config.socketUrl,
    socketPath: config.socketPath,
    initPayload: config.initPayload,
    title: config.title,
    subtitle: config.subtitle,
    inputTextFieldHint: "e.g. show me red dresses",
    embedded: true,
    showFullScreenButton: false,
    customMessageDelay: function () { return 150; },
    params: { storage: "session" },
    innerRef: function (handle) { widget = handle; },
  }, chatElement);

  // Sends the photo search as a payload; the conversation shows `photoText` as the shopper's turn.
  async function searchByPhoto(file) {
    if (!file) {
      return;
    }
    if (!widget) {
      setStatus("The chat is still connecting, try again in a moment.", true);
      return;
    }
    preview.src = URL.createObjectURL(file);
    preview.hidden = false;
    setStatus("Uploading...");
    var body = new FormData();
    body.append("file", file, file.name);
    try {
      var response = await fetch("images", { method: "POST", body: body });
      var answer = await response.json();
      if (!response.ok) {
        setStatus(answer.error || ("Upload failed (" + response.status + ")"), true);
        return;
      }
      setStatus("");
      widget.sendMessage("/image_search" + JSON.stringify({ image_id: answer.image_id }), config.photoText);
    } catch (error) {
      setStatus("Upload failed: " + error.message, true);
    } finally {
      fileInput.value = "";
    }
  }

  // ---- readable turns: full titles, the score breakdown behind a toggle, photos scrolled into
  // view once loaded, and the greeting always first (a message typed before it waits for it).
  var greeted = false;
  var waiting = false; // the shopper pressed Enter before the greeting: send once it is shown

  function dress(node) {
    node.querySelectorAll(".rw-carousel-card-title:not([data-fb])").forEach(function (title) {
      title.setAttribute("data-fb", "1");
      title.title = title.textContent;
      title.addEventListener("click", function () { title.classList.toggle("fb-open"); });
    });
    node.querySelectorAll(".rw-response:not([data-fb])").forEach(function (bubble) {
      bubble.setAttribute("data-fb", "1");
      if (/^\s*Score details:/.test(bubble.textContent)) {
        bubble.classList.add("fb-score");
        bubble.title = "Score details";
        bubble.addEventListener("click", function () { bubble.classList.toggle("fb-open"); });
      }
    });
    node.querySelectorAll("img.rw-image-frame:not([data-fb])").forEach(function (img) {
      img.setAttribute("data-fb", "1");
      var show = function () { img.scrollIntoView({ block: "end", behavior: "smooth" }); };
      if (img.complete && img.naturalWidth) { show(); } else { img.addEventListener("load", show); }
    });
    var spoken = [].some.call(chatElement.querySelectorAll(".rw-response"), function (bubble) {
      return bubble.textContent.trim() !== ""; // not the typing indicator
    });
    if (!greeted && spoken) {
      greeted = true;
      if (waiting) {
        waiting = false;
        var sender = chatElement.querySelector("form.rw-sender");
        if (sender) { sender.dispatchEvent(new Event("submit", { cancelable: true, bubbles: true })); }
      }
    }
  }

  new MutationObserver(function () { dress(chatElement); })
    .observe(chatElement, { childList: true, subtree: true });

  function holdUntilGreeted(event) {
    var inInput = event.target && event.target.classList && event.target.classList.contains("rw-new-message");
    var isSend = event.target && event.target.closest && event.target.closest(".rw-send");
    if (greeted || !(inInput && event.key === "Enter" || isSend && event.type === "click")) {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    waiting = true;
  }
  document.addEventListener("keydown", holdUntilGreeted, true);
  document.addEventListener("keypress", holdUntilGreeted, true);
  document.addEventListener("click", holdUntilGreeted, true);

  fileInput.addEventListener("change", function () { searchByPhoto(fileInput.files[0]); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    searchByPhoto(fileInput.files[0]);
  });
})();
