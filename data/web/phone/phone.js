/* The visitor's ticket page: follows one ticket through the JSON API of `kiosk web`.
 *
 * Plain ES5 (no modules, no arrow functions, no fetch), so an old phone's browser runs it. The
 * token is the address's last part (/t/<token> or /T/<token>). The ticket arrives by server-sent
 * events (/api/v1/tickets/<token>/events); where EventSource is missing or its stream fails, the page
 * asks GET /api/v1/tickets/<token> every 2 s instead. The texts of the seven languages come from
 * texts.js (window.PAGE_TEXTS, made from the gettext catalogues).
 */
(function () {
  "use strict";

  var POLL_MS = 2000;
  var FLASH_MS = 10000;
  var PAGE = window.PAGE_TEXTS;

  var page = {
    token: null,
    lang: null, // the chosen language; null until the ticket tells its own
    data: null, // the ticket's latest JSON
    problem: null, // "not_found" | "other_day" while the ticket cannot be shown
    connection: null, // "offline" | "busy" while updates do not arrive
    left: false, // the visitor left the queue from this page
    sound: false,
    alerted: null, // the call (called_at and recalls) already flashed
    stream: null,
    polling: null,
    flashTimer: null,
    audio: null,
    confirming: false,
    score: null, // the face chosen for the rating, not yet sent
    reasons: {}, // the reasons ticked, by code
    sending: false,
    rated: false, // the rating was sent from this page (or had been already)
    rateProblem: null // "rate_failed" when sending failed
  };

  function $(id) {
    return document.getElementById(id);
  }

  function store(key, value) {
    try {
      if (value === null) {
        window.localStorage.removeItem(key);
      } else {
        window.localStorage.setItem(key, value);
      }
    } catch (e) {
      /* private mode or no storage: the choice lasts while the page is open */
    }
  }

  function stored(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function known(lang) {
    return !!(lang && PAGE.texts[lang]);
  }

  function text(key, values) {
    var lang = known(page.lang) ? page.lang : guessLang();
    var s = PAGE.texts[lang][key] || PAGE.texts.en[key] || key;
    if (values) {
      s = s.replace(/\{(\w+)\}/g, function (whole, name) {
        return values.hasOwnProperty(name) ? String(values[name]) : whole;
      });
    }
    return s;
  }

  function guessLang() {
    var wanted = stored("ticket-lang");
    if (known(wanted)) {
      return wanted;
    }
    var asked = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""]);
    for (var i = 0; i < asked.length; i++) {
      var code = String(asked[i]).toLowerCase().split("-")[0];
      if (known(code)) {
        return code;
      }
    }
    return "en";
  }

  function tokenFromPath() {
    var match = /\/[tT]\/([^\/?#]+)/.exec(window.location.pathname);
    return match ? match[1] : null;
  }

  function api(path) {
    var url = "/api/v1/tickets/" + page.token + (path || "");
    return page.lang ? url + "?lang=" + encodeURIComponent(page.lang) : url;
  }

  function setText(id, value) {
    var element = $(id);
    if (element.textContent !== value) {
      element.textContent = value;
    }
  }

  function show(id, visible) {
    $(id).hidden = !visible;
  }

  // Requests --------------------------------------------------------------------------------

  function request(method, url, done, body) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    xhr.setRequestHeader("Accept", "application/json");
    if (body) {
      xhr.setRequestHeader("Content-Type", "application/json");
    }
    xhr.timeout = 10000;
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) {
        return;
      }
      var body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch (e) {
        body = null;
      }
      done(xhr.status, body);
    };
    xhr.send(method === "POST" ? body || "" : null);
  }

  function answered(status, body) {
    if (status === 200 && body) {
      page.connection = null;
      received(body);
    } else if (status === 404) {
      stop("not_found");
    } else if (status === 410) {
      stop("other_day");
    } else if (status === 429 || status === 503) {
      page.connection = "busy";
      render();
    } else if (status !== 409) {
      page.connection = "offline";
      render();
    }
  }

  function stop(problem) {
    page.problem = problem;
    closeStream();
    if (page.polling) {
      window.clearInterval(page.polling);
      page.polling = null;
    }
    render();
  }

  function closeStream() {
    if (page.stream) {
      page.stream.onmessage = page.stream.onerror = page.stream.onopen = null;
      page.stream.close();
      page.stream = null;
    }
  }

  function fetchOnce() {
    request("GET", api(""), answered);
  }

  function startPolling() {
    closeStream();
    if (!page.polling && !page.problem) {
      page.polling = window.setInterval(fetchOnce, POLL_MS);
    }
    fetchOnce();
  }

  function follow() {
    if (page.problem) {
      return;
    }
    if (!window.EventSource || page.polling) {
      startPolling();
      return;
    }
    closeStream();
    var stream = new window.EventSource(api("/events"));
    page.stream = stream;
    stream.onopen = function () {
      if (page.connection) {
        page.connection = null;
        render();
      }
    };
    stream.onmessage = function (event) {
      var data;
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      page.connection = null;
      received(data);
    };
    stream.onerror = function () {
      if (stream.readyState === 2) {
        // refused (an error status) or not a stream: ask plainly, then keep asking every 2 s
        startPolling();
      } else {
        page.connection = "offline"; // the browser reconnects by itself
        render();
      }
    };
  }

  // The ticket ------------------------------------------------------------------------------

  function received(data) {
    page.data = data;
    if (!page.lang) {
      var wanted = stored("ticket-lang:" + page.token);
      page.lang = known(wanted) ? wanted : data.language;
      if (page.lang !== data.lang) {
        follow(); // names in the visitor's language
      }
    }
    if (data.state === "called") {
      var call = data.called_at + "/" + data.recalls;
      if (page.alerted !== call) {
        page.alerted = call;
        alertVisitor();
      }
    }
    render();
  }

  function alertVisitor() {
    document.body.className = "flash";
    if (page.flashTimer) {
      window.clearTimeout(page.flashTimer);
    }
    page.flashTimer = window.setTimeout(function () {
      document.body.className = "";
      page.flashTimer = null;
    }, FLASH_MS);
    try {
      if (navigator.vibrate) {
        navigator.vibrate([400, 200, 400, 200, 800]);
      }
    } catch (e) {
      /* no vibration here */
    }
    if (page.sound) {
      chime([880, 660, 880, 660, 990]);
    }
  }

  // Sound, made with WebAudio: nothing to download -----------------------------------------

  function audioContext() {
    if (!page.audio) {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) {
        return null;
      }
      page.audio = new Context();
    }
    if (page.audio.state === "suspended" && page.audio.resume) {
      page.audio.resume();
    }
    return page.audio;
  }

  function chime(tones) {
    var context = audioContext();
    if (!context) {
      return;
    }
    var start = context.currentTime + 0.05;
    for (var i = 0; i < tones.length; i++) {
      var oscillator = context.createOscillator();
      var gain = context.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = tones[i];
      var at = start + i * 0.3;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.6, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.28);
      oscillator.connect(gain);
      gain.connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.3);
    }
  }

  // Drawing ---------------------------------------------------------------------------------

  var MESSAGES = {
    on_hold: "on_hold",
    no_show: "no_show",
    done: "done",
    closed: "closed"
  };

  function render() {
    var data = page.data;
    var lang = known(page.lang) ? page.lang : guessLang();
    document.documentElement.lang = lang;
    document.title = data ? data.number + " · " + text("title") : text("title");
    setText("title", text("title"));
    setText("lang-text", text("language"));
    renderLanguages(lang);
    setText("sound", page.sound ? text("sound_on") : text("sound_off"));
    $("sound").setAttribute("aria-pressed", page.sound ? "true" : "false");

    var connection = page.connection && !page.problem ? text(page.connection) : "";
    setText("connection", connection);
    show("connection", !!connection);

    if (page.problem) {
      document.body.setAttribute("data-state", page.problem);
      setText("problem-text", text(page.problem));
      show("problem", true);
      show("ticket", false);
      show("called", false);
      show("confirm", false);
      return;
    }
    show("problem", false);
    if (!data) {
      return;
    }
    document.body.setAttribute("data-state", data.state);
    show("ticket", true);

    setText("number-label", text("number"));
    setText("number", data.number);
    setText("department", data.department.name);
    setText("service", data.service.name);
    setText("windows-label", data.windows.length === 1 ? text("window") : text("windows"));
    setText("windows", data.windows.join(", "));

    var moved = data.transferred_from && data.state !== "done";
    setText("transfer", moved ? text("transferred", { old: data.transferred_from.name, "new": data.department.name }) : "");
    show("transfer", !!moved);

    var waiting = data.state === "waiting";
    show("queue", waiting);
    // A booked visitor who checked in early is called when the slot begins, not by the line.
    var early = waiting && !!data.called_about;
    setText("booked", early ? text("booked", { time: data.called_about.substring(11, 16) }) : "");
    show("booked", early);
    if (waiting) {
      setText("ahead-label", text("ahead"));
      setText("ahead", data.ahead === 0 ? text("next") : String(data.ahead));
      $("ahead").className = data.ahead === 0 ? "big words" : "big";
      show("ahead-figure", !early);
      show("wait-figure", data.ahead > 0 || early);
      setText("wait-label", text("wait"));
      setText("wait", text("minutes", { minutes: data.wait_minutes }));
      setText("keep-open", text("keep_open"));
    }

    var message = "";
    if (data.state === "serving") {
      message = text("serving", { window: data.window });
    } else if (data.state === "cancelled") {
      message = page.left ? text("left") : text("cancelled");
    } else if (MESSAGES[data.state]) {
      message = text(MESSAGES[data.state]);
    }
    setText("message", message);
    show("message", !!message);
    renderRating(data);

    var canLeave = waiting || data.state === "called";
    setText("leave", text("leave"));
    show("leave", canLeave);
    if (!canLeave) {
      page.confirming = false;
    }

    var called = data.state === "called";
    show("called", called);
    if (called) {
      setText("called-title", text("your_turn"));
      setText("called-window", data.window || "");
      setText("called-number-label", text("number"));
      setText("called-number", data.number);
      setText("called-recall", data.recalls > 0 ? text("recalled") : "");
      show("called-recall", data.recalls > 0);
      setText("on-my-way", text("on_my_way"));
      show("on-my-way", !data.on_my_way);
      setText("on-my-way-sent", text("on_my_way_sent"));
      show("on-my-way-sent", !!data.on_my_way);
      setText("called-leave", text("leave"));
    } else if (document.body.className === "flash") {
      document.body.className = "";
    }

    setText("confirm-text", text("leave_confirm"));
    setText("leave-yes", text("leave_yes"));
    setText("leave-no", text("leave_no"));
    show("confirm", page.confirming);
  }

  // The rating, once served: a face, then optional reasons, then send, then a thank-you.

  function reasonCodes() {
    var reasons = PAGE.reasons || { good: [], bad: [] };
    return reasons.bad.concat(reasons.good);
  }

  function renderRating(data) {
    var rating = data.rating || null;
    var served = data.state === "done" && !!rating;
    var given = served && (page.rated || rating.score !== null);
    var open = served && rating.open && !given;
    setText("rate-thanks", given ? text("rate_thanks") : "");
    show("rate-thanks", given);
    show("rating", open);
    if (!open) {
      return;
    }
    setText("rate-title", text("rate_title"));
    setText("rate-anonymous", text("rate_anonymous"));
    var faces = $("faces").getElementsByTagName("button");
    for (var i = 0; i < faces.length; i++) {
      var score = Number(faces[i].getAttribute("data-score"));
      setText("face-" + score, text("face_" + score));
      faces[i].setAttribute("aria-pressed", page.score === score ? "true" : "false");
    }
    var chosen = page.score !== null;
    show("reasons", chosen);
    $("reasons").className = chosen && page.score >= 4 ? "reasons good-first" : "reasons";
    setText("reasons-good-title", text("reasons_good"));
    setText("reasons-bad-title", text("reasons_bad"));
    var codes = reasonCodes();
    for (var j = 0; j < codes.length; j++) {
      var button = $("reason-" + codes[j]);
      setText("reason-" + codes[j], text("reason_" + codes[j]));
      button.setAttribute("aria-pressed", page.reasons[codes[j]] ? "true" : "false");
    }
    setText("rate-send", text("rate_send"));
    show("rate-send", chosen);
    $("rate-send").disabled = page.sending;
    setText("rate-problem", page.rateProblem ? text(page.rateProblem) : "");
    show("rate-problem", !!page.rateProblem);
  }

  function makeReasons() {
    var groups = [["good", $("reasons-good")], ["bad", $("reasons-bad")]];
    var reasons = PAGE.reasons || { good: [], bad: [] };
    for (var g = 0; g < groups.length; g++) {
      var codes = reasons[groups[g][0]];
      for (var i = 0; i < codes.length; i++) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "reason";
        button.id = "reason-" + codes[i];
        button.setAttribute("aria-pressed", "false");
        button.onclick = toggleReason(codes[i]);
        groups[g][1].appendChild(button);
      }
    }
    var faces = $("faces").getElementsByTagName("button");
    for (var f = 0; f < faces.length; f++) {
      faces[f].onclick = chooseScore(Number(faces[f].getAttribute("data-score")));
    }
  }

  function chooseScore(score) {
    return function () {
      page.score = score;
      page.rateProblem = null;
      render();
    };
  }

  function toggleReason(code) {
    return function () {
      page.reasons[code] = !page.reasons[code];
      render();
    };
  }

  function sendRating() {
    if (page.score === null || page.sending) {
      return;
    }
    var reasons = [];
    var codes = reasonCodes();
    for (var i = 0; i < codes.length; i++) {
      if (page.reasons[codes[i]]) {
        reasons.push(codes[i]);
      }
    }
    page.sending = true;
    page.rateProblem = null;
    render();
    var body = JSON.stringify({ score: page.score, reasons: reasons });
    request("POST", api("/rating"), function (status, answer) {
      page.sending = false;
      if (status === 201 || (status === 409 && answer && answer.reason === "rated")) {
        page.rated = true; // thanked; the ticket's next update says so too
      } else if (status === 404 || status === 410) {
        answered(status, answer); // the ticket is gone: say why
      } else if (status === 409) {
        fetchOnce(); // not to be rated (yet): show what the ticket is now
      } else {
        page.rateProblem = "rate_failed";
      }
      render();
    }, body);
  }

  function renderLanguages(lang) {
    var select = $("lang");
    if (!select.options.length) {
      for (var i = 0; i < PAGE.languages.length; i++) {
        var code = PAGE.languages[i];
        var option = document.createElement("option");
        option.value = code;
        option.textContent = PAGE.names[code];
        option.lang = code;
        select.appendChild(option);
      }
    }
    if (select.value !== lang) {
      select.value = lang;
    }
  }

  // What the visitor does -------------------------------------------------------------------

  function chooseLanguage() {
    var lang = $("lang").value;
    if (!known(lang) || lang === page.lang) {
      return;
    }
    page.lang = lang;
    store("ticket-lang:" + page.token, lang);
    store("ticket-lang", lang);
    render();
    if (page.data) {
      follow(); // the department's and service's names in the new language
    }
  }

  function toggleSound() {
    page.sound = !page.sound;
    store("ticket-sound", page.sound ? "on" : null);
    if (page.sound) {
      chime([660]); // the tap lets the browser play sound; the visitor hears what it will be like
    }
    render();
  }

  function onMyWay() {
    $("on-my-way").disabled = true;
    request("POST", api("/on-my-way"), function (status, body) {
      $("on-my-way").disabled = false;
      if (status === 409) {
        fetchOnce(); // no longer called: show what it is now
      } else {
        answered(status, body);
      }
    });
  }

  function askToLeave() {
    page.confirming = true;
    render();
    $("leave-no").focus();
  }

  function leave() {
    $("leave-yes").disabled = true;
    request("POST", api("/leave"), function (status, body) {
      $("leave-yes").disabled = false;
      page.confirming = false;
      if (status === 200) {
        page.left = true;
      }
      if (status === 409) {
        fetchOnce();
      } else {
        answered(status, body);
      }
      render();
    });
  }

  function stay() {
    page.confirming = false;
    render();
  }

  function start() {
    page.token = tokenFromPath();
    page.sound = stored("ticket-sound") === "on";
    $("lang").onchange = chooseLanguage;
    $("sound").onclick = toggleSound;
    $("on-my-way").onclick = onMyWay;
    $("leave").onclick = askToLeave;
    $("called-leave").onclick = askToLeave;
    $("leave-yes").onclick = leave;
    $("leave-no").onclick = stay;
    $("rate-send").onclick = sendRating;
    makeReasons();
    if (!page.token) {
      stop("not_found");
      return;
    }
    var wanted = stored("ticket-lang:" + page.token);
    page.lang = known(wanted) ? wanted : null; // else the ticket's own language, once it arrives
    render();
    follow();
    document.addEventListener("visibilitychange", function () {
      // a phone may drop the stream while the page is hidden: catch up at once when it is back
      if (!document.hidden && !page.problem) {
        if (page.stream && page.stream.readyState === 2) {
          follow();
        } else if (!page.stream) {
          fetchOnce();
        }
      }
    });
  }

  window.ticketPage = page; // for the browser tests: the page's own state
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
