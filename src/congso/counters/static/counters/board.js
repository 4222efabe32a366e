// The display board (issue 18, ADR 0141/0144): server-sent events with the hall's state; each
// new call is shown and spoken (chime, then the clips in sequence). Reconnects by itself: the
// browser's EventSource retries after 1 s, and when the stream fails hard or falls silent for
// 4 s (the server pings every 1.5 s) a new one is opened.
(function () {
  "use strict";
  var root = document.getElementById("board");
  if (!root) return;
  var url = root.dataset.events;
  var clipBase = root.dataset.clip.replace(/chuong\.wav$/, "");
  var muted = root.dataset.muted === "1";
  var link = document.getElementById("link");
  var soundButton = document.getElementById("sound");
  var lastCall = null; // id of the newest call already announced
  var queue = [];
  var playing = false;
  var source = null;
  var heard = 0;

  function text(id) { return document.getElementById(id).innerHTML.trim(); }

  function setLink(ok) {
    link.textContent = ok ? link.dataset.ok : link.dataset.lost;
    link.classList.toggle("lost", !ok);
    root.dataset.connected = ok ? "1" : "0";
  }

  function playNext() {
    if (playing || queue.length === 0) return;
    var clips = queue.shift();
    playing = true;
    var i = 0;
    function step() {
      if (i >= clips.length) { playing = false; root.dataset.spoken = String(Number(root.dataset.spoken || 0) + 1); playNext(); return; }
      var audio = new Audio(clipBase + clips[i] + ".wav");
      i += 1;
      audio.onended = step;
      audio.onerror = step;
      var p = audio.play();
      if (p && p.catch) p.catch(function () { step(); });
    }
    step();
  }

  function announce(call) {
    if (muted) return;
    queue.push(["chuong"].concat(call.clips));
    playNext();
  }

  function render(state) {
    var counters = document.getElementById("counters");
    counters.textContent = "";
    state.counters.forEach(function (c) {
      var tr = document.createElement("tr");
      if (!c.open) tr.className = "closed";
      var a = document.createElement("td"); a.textContent = c.number;
      var b = document.createElement("td");
      b.textContent = c.ticket ? c.ticket : (c.open ? "…" : text("t-closed"));
      tr.appendChild(a); tr.appendChild(b); counters.appendChild(tr);
    });
    var calls = document.getElementById("calls");
    calls.textContent = "";
    state.calls.forEach(function (call) {
      var li = document.createElement("li");
      var s = document.createElement("strong"); s.textContent = call.code;
      var at = document.createElement("span"); at.className = "at"; at.textContent = call.at;
      li.appendChild(s);
      li.appendChild(document.createTextNode(" → " + text("t-counter") + " " + call.counter + " "));
      li.appendChild(at);
      calls.appendChild(li);
    });
    var waiting = document.getElementById("waiting");
    waiting.textContent = "";
    state.waiting.forEach(function (g) {
      var li = document.createElement("li");
      li.appendChild(document.createTextNode(g.letter + " — " + g.name + ": "));
      var s = document.createElement("strong"); s.textContent = g.count; li.appendChild(s);
      waiting.appendChild(li);
    });
    var newest = state.calls[0];
    if (newest) {
      document.getElementById("now-code").textContent = newest.code;
      document.getElementById("now-counter").textContent = newest.counter;
      document.getElementById("now-text").textContent = newest.text;
    }
    if (lastCall === null) {
      // First state after the page opened: show it, speak nothing old.
      lastCall = newest ? newest.id : 0;
    } else {
      var fresh = state.calls.filter(function (c) { return c.id > lastCall; }).reverse();
      fresh.forEach(announce);
      if (fresh.length) {
        lastCall = fresh[fresh.length - 1].id;
        var now = document.querySelector(".now-call");
        now.classList.remove("flash"); void now.offsetWidth; now.classList.add("flash");
      }
    }
    root.dataset.revision = String(state.revision);
    root.dataset.lastCall = String(lastCall);
  }

  function connect() {
    if (source) source.close();
    source = new EventSource(url);
    heard = Date.now();
    source.addEventListener("state", function (e) { heard = Date.now(); setLink(true); render(JSON.parse(e.data)); });
    source.addEventListener("ping", function () { heard = Date.now(); setLink(true); });
    source.onerror = function () {
      setLink(false);
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 1000);
    };
  }

  setInterval(function () {
    if (Date.now() - heard > 4000) { setLink(false); connect(); }
  }, 1000);

  soundButton.addEventListener("click", function () {
    muted = !muted;
    soundButton.textContent = text(muted ? "t-sound-on" : "t-sound-off");
    root.dataset.muted = muted ? "1" : "0";
    if (!muted) { var a = new Audio(clipBase + "chuong.wav"); a.play().catch(function () {}); }
  });

  connect();
})();
