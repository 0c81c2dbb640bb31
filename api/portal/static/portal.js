// Progressive enhancement of the verify form: drop a file on it to submit it. Without this
// script the form works the same way, through its file input and submit button.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-dropzone]")) {
    const input = form.querySelector('input[type="file"]');
    const hint = form.querySelector("[data-drop-hint]");
    if (!input) continue;
    if (hint) hint.hidden = false;
    const stop = (event) => {
      event.preventDefault();
      event.stopPropagation();
    };
    for (const type of ["dragenter", "dragover"]) {
      form.addEventListener(type, (event) => {
        stop(event);
        form.classList.add("dragging");
      });
    }
    form.addEventListener("dragleave", (event) => {
      stop(event);
      form.classList.remove("dragging");
    });
    form.addEventListener("drop", (event) => {
      stop(event);
      form.classList.remove("dragging");
      const files = event.dataTransfer && event.dataTransfer.files;
      if (!files || files.length !== 1) return;
      input.files = files;
      form.requestSubmit();
    });
  }
});

// The reader's time zone, for the times the audit pages show (the server shows UTC without it).
(() => {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  if (!zone || !/^[A-Za-z0-9_+\-/]{1,64}$/.test(zone)) return;
  if (document.cookie.split("; ").includes(`tz=${zone}`)) return;
  document.cookie = `tz=${zone}; path=/; max-age=31536000; samesite=strict`;
})();

// A signed-in party's live feed (Server-Sent Events): each event the server sends is put first in
// the list, as text. The browser reconnects by itself, resuming after the last event it got.
(() => {
  const MAX_SHOWN = 50;
  const add = (list, item, open) => {
    const line = document.createElement("li");
    line.dataset.event = item.event;
    line.dataset.eventId = String(item.id);
    const time = document.createElement("time");
    time.textContent = item.time;
    const what = document.createElement("span");
    const name = document.createElement("strong");
    name.textContent = item.label;
    const topic = document.createElement("span");
    topic.className = "feed-topic";
    topic.textContent = item.topic;
    what.append(name, topic);
    const about = document.createElement("span");
    about.className = "feed-about";
    about.textContent = item.about;
    if (item.href && item.href.startsWith("/")) {
      const link = document.createElement("a");
      link.href = item.href;
      link.textContent = open;
      about.append(" ", link);
    }
    line.append(time, what, about);
    list.prepend(line);
    while (list.children.length > MAX_SHOWN) list.lastElementChild.remove();
  };
  document.addEventListener("DOMContentLoaded", () => {
    for (const section of document.querySelectorAll("[data-feed]")) {
      const list = section.querySelector("[data-feed-items]");
      const status = section.querySelector("[data-feed-status]");
      if (!list || !status || !window.EventSource) continue;
      const texts = section.dataset;
      status.textContent = texts.connecting;
      const source = new EventSource(texts.feed);
      source.addEventListener("open", () => {
        status.textContent = list.children.length ? texts.live : `${texts.live} ${list.dataset.empty}`;
      });
      source.addEventListener("chain-event", (message) => {
        let item;
        try {
          item = JSON.parse(message.data);
        } catch (error) {
          return;
        }
        add(list, item, texts.open);
        status.textContent = texts.live;
      });
      // the server ends the feed: the key was revoked, or the key has too many feeds open
      for (const ended of ["signed-out", "too-many"]) {
        source.addEventListener(ended, (message) => {
          source.close();
          status.textContent = `${message.data} ${texts.closed}`;
        });
      }
      source.addEventListener("error", () => {
        status.textContent = source.readyState === EventSource.CLOSED ? texts.closed : texts.retrying;
      });
    }
  });
})();

// The assessment chart's labels are SVG text, which headless Chromium does not always lay out
// again when the portal's Chinese web font arrives after the first paint (the labels stay boxes;
// HTML text is redrawn). A fresh copy of the chart is laid out with the font, once loaded.
// Only on a page with a chart: other pages leave the font set alone.
(() => {
  if (!document.fonts || !document.querySelector("svg.assessment-chart")) return;
  const redraw = () => {
    for (const chart of document.querySelectorAll("svg.assessment-chart")) {
      chart.replaceWith(chart.cloneNode(true));
    }
  };
  document.fonts.addEventListener("loadingdone", redraw);
  document.fonts.ready.then(redraw);
})();
