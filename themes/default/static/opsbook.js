// opsbook: copy buttons on code blocks. The site works without this script.
(function () {
  "use strict";
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "absolute";
      area.style.left = "-9999px";
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy") ? resolve() : reject(); } catch (e) { reject(e); }
      document.body.removeChild(area);
    });
  }
  var root = document.documentElement;

  // Light or dark: follows the system until the reader chooses; the choice is remembered.
  var toggle = document.querySelector(".theme-toggle");
  if (toggle) {
    var current = function () {
      return root.dataset.theme || (window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
    };
    var label = function () {
      var next = current() === "dark" ? "light" : "dark";
      toggle.textContent = next === "dark" ? "Dark" : "Light";
      toggle.setAttribute("aria-label", "Switch to the " + next + " theme");
    };
    toggle.hidden = false;
    label();
    toggle.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try { localStorage.setItem("opsbook-theme", next); } catch (e) { /* private mode */ }
      label();
    });
  }

  // On small screens the sidebar folds away behind a Menu button.
  var menu = document.querySelector(".menu-toggle");
  if (menu) {
    menu.addEventListener("click", function () {
      var open = document.body.classList.toggle("sidebar-open");
      menu.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // On the 404 page: find what the address was meant to reach (an alert, a task, a moved
  // page) in the map the build wrote, and offer it.
  var known = document.getElementById("opsbook-known");
  var suggestion = document.getElementById("suggestion");
  if (known && suggestion) {
    try {
      var map = JSON.parse(known.textContent);
      var path = decodeURIComponent(location.pathname);
      if (path.indexOf(map.base) === 0) { path = path.slice(map.base.length); }
      var parts = path.split("/").filter(function (p) { return p !== ""; });
      var key = parts.join("/").toLowerCase() + "/";
      var offer = function (text, href, label) {
        suggestion.textContent = text + " ";
        if (href) {
          var a = document.createElement("a");
          a.href = href;
          a.textContent = label || href;
          suggestion.appendChild(a);
        }
        suggestion.hidden = false;
      };
      if (parts.length >= 2 && parts[0] === map.alerts_prefix) {
        var alertName = parts[1];
        var url = map.alerts[alertName.toLowerCase()];
        if (url) {
          offer("The runbook for " + alertName + " is here:", url);
        } else {
          offer("There is no runbook for the alert " + alertName + " yet.", map.new_runbook, map.new_runbook ? "Write one" : "");
        }
      } else if (parts.length >= 2 && parts[0] === map.tasks_prefix && map.tasks[parts[1].toLowerCase()]) {
        offer("That task is here:", map.tasks[parts[1].toLowerCase()]);
      } else if (map.paths[key]) {
        offer("Did you mean", map.paths[key]);
      } else if (parts.length) {
        var last = parts[parts.length - 1].toLowerCase();
        var found = Object.keys(map.paths).filter(function (p) { return p.split("/").slice(-2)[0] === last; });
        if (found.length === 1) { offer("The page may have moved here:", map.paths[found[0]]); }
      }
    } catch (e) { /* no suggestion */ }
  }

  // A heading's anchor link copies the heading's full address, for a ticket or a chat.
  document.addEventListener("click", function (event) {
    var anchor = event.target.closest ? event.target.closest("a.anchor, a.copy-link") : null;
    if (!anchor) { return; }
    var url = anchor.getAttribute("data-url") || new URL(anchor.getAttribute("href"), location.href).href;
    copyText(url).then(function () {
      anchor.setAttribute("data-copied", "Link copied");
      setTimeout(function () { anchor.removeAttribute("data-copied"); }, 1500);
    }, function () {});
    if (anchor.classList.contains("copy-link")) { event.preventDefault(); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy") : null;
    if (!button) { return; }
    var code = button.parentElement.querySelector("pre code") || button.parentElement.querySelector("pre");
    if (!code) { return; }
    // Exactly the code, without its trailing newline. From a shell session (`console`), only
    // the commands: the lines after a `$ ` prompt and their `\` continuations, not the output.
    var text = code.textContent.replace(/\n$/, "");
    if (/language-(console|shell-session|shellsession)/.test(code.className)) {
      var commands = [], continued = false;
      text.split("\n").forEach(function (line) {
        if (continued || /^\$ /.test(line)) {
          commands.push(continued ? line : line.slice(2));
          continued = /\\$/.test(line);
        }
      });
      if (commands.length) { text = commands.join("\n"); }
    }
    button.setAttribute("data-copied-text", text);
    copyText(text).then(function () {
      button.textContent = "Copied";
    }, function () {
      button.textContent = "Press Ctrl+C";
    });
    setTimeout(function () { button.textContent = "Copy"; }, 2000);
  });
})();
