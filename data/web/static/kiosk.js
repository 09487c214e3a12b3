// The kiosk's additions to textual-serve's page (loaded after textual.js, before the page's load event):
// 1. the terminal draws with the bundled "Kiosk Mono" (Noto Sans Mono), loaded before the terminal
//    measures its cells, so no glyph comes from a fallback font and nothing is fetched elsewhere;
// 2. the font size is ?fontsize=N or the server's --font-size;
// 3. the app's "larger text" switch (screens/common/webzoom.py) arrives as an open_url message to a
//    kiosk: address, and grows the terminal's font (or brings it back); no page is ever opened for it.
//    The font grows by LARGE_SCALE, less where the screen would have too few cells left.
// 4. a finger's swipe scrolls what scrolls: xterm.js gives a touch drag nothing, so each cell row the
//    finger moves becomes one turn of the mouse wheel where it is, which the app scrolls by.
// window.kiosk.session is textual-serve's terminal session (its xterm.js terminal is .terminal).
(function () {
  "use strict";
  const FAMILY = "'Kiosk Mono', monospace";
  const LARGE_SCALE = 1.3; // larger text: the font up to 30 % bigger (fewer, bigger cells),
  const MIN_COLUMNS = 60; //   but never fewer cells than the smallest screens the kiosk is laid out
  const MIN_ROWS = 24; //      for (80x24 in a terminal, about 60 columns on a portrait touchscreen)
  const kiosk = (window.kiosk = { session: null, baseSize: 0, large: false });

  // textual.js keeps its session object to itself; it is caught the moment its constructor gives it
  // a fit addon (after the terminal is made, before it is opened), and the trap is then removed.
  Object.defineProperty(Object.prototype, "fitAddon", {
    configurable: true,
    get() {
      return undefined;
    },
    set(addon) {
      delete Object.prototype.fitAddon;
      Object.defineProperty(this, "fitAddon", { value: addon, writable: true, configurable: true, enumerable: true });
      if (this.terminal && this.terminal.options) {
        this.terminal.options.fontFamily = FAMILY;
        kiosk.session = this;
      }
    },
  });

  function fits(session, size) {
    session.terminal.options.fontSize = size; // xterm.js measures its cells again at once
    const cells = session.fitAddon.proposeDimensions();
    return !cells || (cells.cols >= MIN_COLUMNS && cells.rows >= MIN_ROWS);
  }

  function showLargeText(on) {
    const session = kiosk.session;
    kiosk.large = on;
    if (session) {
      let size = on ? Math.round(kiosk.baseSize * LARGE_SCALE) : kiosk.baseSize;
      while (size > kiosk.baseSize && !fits(session, size)) size -= 1;
      session.terminal.options.fontSize = size;
      session.fit(); // fewer or more cells: textual.js sends the new size to the app
      document.body.dataset.fontSize = String(size);
    }
    document.body.dataset.largeText = on ? "on" : "off";
  }

  function swipeScrolls(element) {
    let lastY = null;
    element.style.touchAction = "none"; // the page itself neither pans nor zooms under the finger
    element.addEventListener(
      "touchstart",
      (event) => {
        lastY = event.touches.length === 1 ? event.touches[0].clientY : null;
      },
      { passive: true },
    );
    element.addEventListener(
      "touchmove",
      (event) => {
        const session = kiosk.session;
        if (lastY === null || event.touches.length !== 1 || !session) return;
        const touch = event.touches[0];
        const row = element.getBoundingClientRect().height / session.terminal.rows;
        const steps = Math.trunc((lastY - touch.clientY) / row); // a finger moving up: further down
        if (steps === 0) return;
        lastY -= steps * row;
        const target = element.querySelector(".xterm") || element;
        for (let i = 0; i < Math.abs(steps); i++) {
          const wheel = { deltaY: Math.sign(steps) * row, deltaMode: 0, clientX: touch.clientX, clientY: touch.clientY };
          target.dispatchEvent(new WheelEvent("wheel", { ...wheel, bubbles: true, cancelable: true }));
        }
        event.preventDefault();
      },
      { passive: false },
    );
    element.addEventListener("touchend", () => {
      lastY = null;
    });
  }

  const openWindow = window.open.bind(window);
  window.open = function (url, target, features) {
    const address = String(url);
    if (address.startsWith("kiosk:")) {
      const [, what, value] = address.split(/[:/]/);
      if (what === "large-text") showLargeText(value === "on");
      return null;
    }
    return openWindow(url, target, features);
  };

  const start = window.onload; // textual.js's: makes the session and connects
  window.onload = async function (event) {
    const element = document.getElementById("terminal");
    const asked = Number.parseInt(new URLSearchParams(window.location.search).get("fontsize") || "", 10);
    kiosk.baseSize = asked > 0 ? asked : Number.parseInt(element.dataset.kioskFontSize, 10) || 22;
    element.dataset.fontSize = String(kiosk.baseSize);
    swipeScrolls(element);
    document.body.dataset.fontSize = String(kiosk.baseSize);
    document.body.dataset.largeText = "off";
    try {
      await Promise.all([
        document.fonts.load(`400 ${kiosk.baseSize}px 'Kiosk Mono'`, "Tiếng Việt"),
        document.fonts.load(`700 ${kiosk.baseSize}px 'Kiosk Mono'`, "Tiếng Việt"),
      ]);
    } catch (error) {
      console.error("the kiosk font did not load", error);
    }
    if (start) start.call(window, event);
  };
})();
