// opsbook: copy buttons on code blocks. The site works without this script.
(function () {
  "use strict";
  // The site's root, from this script's own address: works under any path and from file://.
  var me = document.currentScript;
  var siteRoot = me ? me.src.replace(/_theme\/opsbook\.js(\?.*)?$/, "") : "/";
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

  // Search: the index is a set of scripts under the search folder, loaded as the words of a
  // query need them (see src/search.rs). Results and the query are only ever inserted as text.
  var input = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  if (input && results) {
    var dir = siteRoot + input.getAttribute("data-search") + "/";
    var loaded = {};
    var store = { meta: null, shards: {}, docs: {} };
    window.opsbookSearch = {
      meta: function (m) { store.meta = m; store.keys = {}; m.shards.forEach(function (k) { store.keys[k] = true; }); },
      terms: function (key, map) { store.shards[key] = map; },
      docs: function (n, list) { store.docs[n] = list; }
    };
    var load = function (path) {
      if (!loaded[path]) {
        loaded[path] = new Promise(function (resolve, reject) {
          var s = document.createElement("script");
          s.src = dir + path;
          s.onload = resolve;
          s.onerror = function () { delete loaded[path]; reject(new Error("cannot load " + path)); };
          document.head.appendChild(s);
        });
      }
      return loaded[path];
    };
    var hex = function (key) {
      return Array.prototype.map.call(new TextEncoder().encode(key), function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
    };
    // A word's shard: its first three characters when the index has that shard, else two.
    var shardOf = function (w) {
      var three = Array.from(w).slice(0, 3).join("");
      return store.keys[three] ? three : Array.from(w).slice(0, 2).join("");
    };
    var wordsOf = function (q) {
      var seen = {};
      return (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) || []).filter(function (w) {
        if (Array.from(w).length < 2 || seen[w]) { return false; }
        seen[w] = true;
        return true;
      }).slice(0, 8);
    };
    // Every word must match (a word of 3 letters or more also matches the terms it begins,
    // at half the score); without such a document, any word may. Same rule as search::query.
    var rank = function (words) {
      var total = {};
      words.forEach(function (w) {
        var shard = store.shards[shardOf(w)] || {};
        var best = {};
        var long = Array.from(w).length >= 3;
        Object.keys(shard).forEach(function (term) {
          var exact = term === w;
          if (!exact && !(long && term.lastIndexOf(w, 0) === 0)) { return; }
          var list = shard[term];
          for (var i = 0; i < list.length; i += 2) {
            var sc = exact ? list[i + 1] : Math.floor(list[i + 1] / 2);
            if (!(best[list[i]] >= sc)) { best[list[i]] = sc; }
          }
        });
        Object.keys(best).forEach(function (d) {
          var t = total[d] || (total[d] = [0, 0]);
          t[0] += 1; t[1] += best[d];
        });
      });
      var ids = Object.keys(total);
      var all = ids.filter(function (d) { return total[d][0] === words.length; });
      if (all.length) { ids = all; }
      return ids.map(Number).sort(function (a, b) { return total[b][1] - total[a][1] || a - b; });
    };
    var href = function (url) {
      var full = siteRoot + url;
      if (location.protocol === "file:") { full = full.replace(/\/(#|$)/, "/index.html$1"); }
      return full;
    };
    // The snippet: the text around the first word found, each word marked.
    var snippetInto = function (el, text, words) {
      var lower = text.toLowerCase();
      var at = -1;
      words.forEach(function (w) { var i = lower.indexOf(w); if (i >= 0 && (at < 0 || i < at)) { at = i; } });
      var start = at > 60 ? text.lastIndexOf(" ", at - 40) + 1 : 0;
      var part = (start > 0 ? "…" : "") + text.slice(start, start + 180);
      var pattern = new RegExp("(" + words.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("|") + ")", "gi");
      part.split(pattern).forEach(function (piece, i) {
        if (i % 2 === 1) {
          var m = document.createElement("mark");
          m.textContent = piece;
          el.appendChild(m);
        } else if (piece) {
          el.appendChild(document.createTextNode(piece));
        }
      });
    };
    var show = function (q, words, ids) {
      results.textContent = "";
      if (!ids.length) {
        var none = document.createElement("p");
        none.className = "search-none";
        none.textContent = "Nothing found for “" + q + "”.";
        results.appendChild(none);
      }
      ids.forEach(function (id) {
        var row = store.docs[Math.floor(id / store.meta.chunk)][id % store.meta.chunk];
        var a = document.createElement("a");
        a.className = "search-result";
        a.href = href(row[3]);
        var head = document.createElement("span");
        head.className = "search-title";
        head.textContent = row[2] ? row[1] + " › " + row[2] : row[1];
        var kind = document.createElement("span");
        kind.className = "search-kind";
        kind.textContent = row[0];
        a.appendChild(head);
        a.appendChild(kind);
        if (row[4]) {
          var snip = document.createElement("span");
          snip.className = "search-snippet";
          snippetInto(snip, row[4], words);
          a.appendChild(snip);
        }
        results.appendChild(a);
      });
      results.hidden = false;
    };
    // The best documents for a query (numbers, best first), with the files they need loaded.
    var find = function (q) {
      var words = wordsOf(q);
      return load("index.js").then(function () {
        var keys = words.map(shardOf).filter(function (k) { return store.keys[k]; });
        return Promise.all(keys.map(function (k) { return load("t/" + hex(k) + ".js"); }));
      }).then(function () {
        var ids = rank(words).slice(0, 10);
        var chunks = {};
        ids.forEach(function (id) { chunks[Math.floor(id / store.meta.chunk)] = true; });
        return Promise.all(Object.keys(chunks).map(function (n) { return load("d/" + n + ".js"); })).then(function () { return ids; });
      });
    };
    window.opsbookSearch.find = find;
    var latest = 0;
    var run = function () {
      var q = input.value.trim();
      var words = wordsOf(q);
      var ticket = ++latest;
      if (!words.length) { results.hidden = true; results.textContent = ""; return; }
      find(q).then(function (ids) {
        if (ticket === latest) { show(q, words, ids); }
      }, function () {
        if (ticket === latest) {
          results.textContent = "Search is not available: its index did not load.";
          results.hidden = false;
        }
      });
    };
    var timer = null;
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 80); });
    var links = function () { return Array.prototype.slice.call(results.querySelectorAll("a")); };
    var move = function (by) {
      var list = links();
      if (!list.length) { return; }
      var i = list.indexOf(document.activeElement);
      var next = i + by;
      if (next < 0) { input.focus(); return; }
      list[Math.min(next, list.length - 1)].focus();
    };
    var keys = function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
      else if (event.key === "Escape") { results.hidden = true; input.focus(); }
      else if (event.key === "Enter" && event.target === input) {
        var first = links()[0];
        if (first) { event.preventDefault(); location.href = first.href; }
      }
    };
    input.addEventListener("keydown", keys);
    results.addEventListener("keydown", keys);
    document.addEventListener("keydown", function (event) {
      var t = event.target;
      var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        input.focus();
        input.select();
      }
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest || !event.target.closest(".search")) { results.hidden = true; }
    });
    input.addEventListener("focus", function () {
      load("index.js").catch(function () {}); // ready before the first word is typed
      if (results.childNodes.length) { results.hidden = false; }
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
