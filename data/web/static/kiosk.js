// The kiosk's additions to textual-serve's page (loaded after textual.js, before the page's load event):
// 1. the terminal draws with the bundled "Kiosk Mono" (Noto Sans Mono), loaded before the terminal
//    measures its cells, so no glyph comes from a fallback font and nothing is fetched elsewhere;
// 2. the font size is ?fontsize=N or the server's --font-size;
// 3. the app's "larger text" switch (screens/common/webzoom.py) arrives as an open_url message to a
//    kiosk: address, and grows the terminal's font (or brings it back); no page is ever opened for it.
// window.kiosk.session is textual-serve's terminal session (its xterm.js terminal is .terminal).
(function () {
  "use strict";
  const FAMILY = "'Kiosk Mono', monospace";
  const LARGE_SCALE = 1.3; // larger text: the font 30 % bigger (fewer, bigger cells)
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

  function setFontSize(size) {
    const session = kiosk.session;
    if (!session || session.terminal.options.fontSize === size) return;
    session.terminal.options.fontSize = size;
    session.fit(); // fewer or more cells: textual.js sends the new size to the app
    document.body.dataset.fontSize = String(size);
  }

  function showLargeText(on) {
    kiosk.large = on;
    document.body.dataset.largeText = on ? "on" : "off";
    setFontSize(on ? Math.round(kiosk.baseSize * LARGE_SCALE) : kiosk.baseSize);
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
