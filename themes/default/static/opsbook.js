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

  var chars = function (w) { return Array.from(w); };
  // Letters added, dropped, changed or two swapped (optimal string alignment distance).
  var edits = function (a, b) {
    a = chars(a); b = chars(b);
    var d = [];
    for (var i = 0; i <= a.length; i++) { d[i] = [i]; }
    for (var j = 0; j <= b.length; j++) { d[0][j] = j; }
    for (i = 1; i <= a.length; i++) {
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length][b.length];
  };
  // Search: the index is a set of scripts under the search folder, loaded as the words of a
  // query need them. The ranking is the one src/search/query.rs runs in the tests and the
  // relevance benchmark: change one, change both. Results and the query are only ever
  // inserted as text.
  var input = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  if (input && results) {
    var dir = siteRoot + input.getAttribute("data-search") + "/";
    var loaded = {};
    var store = { meta: null, shards: {}, docs: {}, starts: [] };
    window.opsbookSearch = {
      meta: function (m) {
        store.meta = m;
        store.keys = {};
        m.shards.forEach(function (k) { store.keys[k] = true; });
        // The first document of each page: a page's documents are numbered one after another.
        // Each page's size is one character (see search::encode_sizes).
        var digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
        var at = 0, carry = 0;
        store.starts = [];
        Array.prototype.forEach.call(m.pages || "", function (c) {
          if (c === "!") { carry += 63; return; }
          store.starts.push(at);
          at += carry + digits.indexOf(c) + 1;
          carry = 0;
        });
        store.listed = at;
      },
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
      var three = chars(w).slice(0, 3).join("");
      return store.keys[three] ? three : chars(w).slice(0, 2).join("");
    };
    var loadShard = function (key) {
      return store.keys[key] ? load("t/" + hex(key) + ".js") : Promise.resolve();
    };
    var wordsOf = function (q) {
      var seen = {};
      return (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) || []).filter(function (w) {
        if (chars(w).length < 2 || seen[w]) { return false; }
        seen[w] = true;
        return true;
      }).slice(0, 8);
    };
    var typosAllowed = function (n) { return n >= 9 ? 2 : n >= 5 ? 1 : 0; };
    // The entries a query word matches in its shard, each [key, at half score]: its own; the
    // ones it begins (3+ letters); only when none, those a typo or two away and the terms it
    // begins with (5+ letters).
    var matching = function (w) {
      var shard = store.shards[shardOf(w)] || {};
      var keys = Object.keys(shard);
      var n = chars(w).length;
      var out = [];
      keys.forEach(function (k) {
        var exact = k === w;
        if (exact || (n >= 3 && k.lastIndexOf(w, 0) === 0)) { out.push([k, !exact, shard[k]]); }
      });
      var typos = typosAllowed(n);
      if (!out.length && typos) {
        keys.forEach(function (k) {
          var m = chars(k).length;
          var stemOfW = typeof shard[k] !== "string" && m >= 4 && w.lastIndexOf(k, 0) === 0;
          if (stemOfW || (Math.abs(m - n) <= typos && edits(w, k) <= typos)) { out.push([k, true, shard[k]]); }
        });
      }
      return out;
    };
    // An entry's documents and scores: a word's entry names its term.
    var listOf = function (entry) {
      if (typeof entry !== "string") { return entry; }
      var list = (store.shards[shardOf(entry)] || {})[entry];
      return typeof list === "string" || !list ? [] : list;
    };
    var pageOf = function (d) {
      if (d >= store.listed) { return d; }
      var lo = 0, hi = store.starts.length - 1;
      while (lo < hi) {
        var mid = (lo + hi + 1) >> 1;
        if (store.starts[mid] <= d) { lo = mid; } else { hi = mid - 1; }
      }
      return store.starts[lo];
    };
    // Pages best first, each {page, docs (best first), score}; and the words matched, to mark.
    // `matched` is each word's `matching` (worked out once per query: a typo pass reads the
    // whole shard).
    var rank = function (words, matched) {
      var total = {};
      var marks = [];
      words.forEach(function (w, k) {
        var best = {};
        matched[k].forEach(function (m) {
          marks.push(m[0]);
          if (typeof m[2] === "string") { marks.push(m[2]); }
          var list = listOf(m[2]);
          for (var i = 0; i + 1 < list.length; i += 2) {
            var sc = m[1] ? Math.floor(list[i + 1] / 2) : list[i + 1];
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
      var pages = {};
      ids.forEach(function (d) {
        d = Number(d);
        var p = pageOf(d);
        (pages[p] || (pages[p] = { page: p, docs: [] })).docs.push(d);
      });
      var out = Object.keys(pages).map(function (p) { return pages[p]; });
      out.forEach(function (g) {
        g.docs.sort(function (a, b) { return total[b][1] - total[a][1] || a - b; });
        var best = total[g.docs[0]][1], others = 0;
        for (var i = 1; i < g.docs.length; i++) { others += total[g.docs[i]][1]; }
        g.score = best + Math.min(Math.floor(best / 2), Math.floor(others / 4));
      });
      out.sort(function (a, b) { return b.score - a.score || a.page - b.page; });
      return { pages: out, marks: marks.concat(words) };
    };
    var href = function (url) {
      var full = siteRoot + url;
      if (location.protocol === "file:") { full = full.replace(/\/(#|$)/, "/index.html$1"); }
      return full;
    };
    var row = function (d) { return store.docs[Math.floor(d / store.meta.chunk)][d % store.meta.chunk]; };
    var escapeRe = function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); };
    // The snippet: the text around the first word found, each word found marked (a word
    // beginning with a matched term, so `replic` marks "replication"). A camelCase part is a
    // word too: `replication` marks "Replication" in PostgresReplicationLag, and no more.
    // Where a camelCase part starts: the boundaries of words.rs's camel_parts.
    var wordChar = /[\p{L}\p{N}]/u, lower = /\p{Ll}/u, upper = /\p{Lu}/u, digit = /\p{N}/u;
    var camelAt = function (s, k) {
      var prev = s.charAt(k - 1), c = s.charAt(k);
      return (upper.test(c) && lower.test(prev))
        || (upper.test(c) && upper.test(prev) && lower.test(s.charAt(k + 1)))
        || (wordChar.test(prev) && wordChar.test(c) && digit.test(c) !== digit.test(prev));
    };
    var markRanges = function (s, marks) {
      marks = marks.filter(function (w) { return w.length > 0; });
      if (!marks.length) { return []; }
      var pattern = new RegExp("(" + marks.map(escapeRe).join("|") + ")([\\p{L}\\p{N}]*)", "giu");
      var out = [], m;
      while ((m = pattern.exec(s)) !== null) {
        if (m[0].length === 0) { pattern.lastIndex++; continue; }
        var at = m.index;
        if (at > 0 && wordChar.test(s.charAt(at - 1)) && !camelAt(s, at)) { pattern.lastIndex = at + 1; continue; }
        var end = at + m[0].length;
        for (var k = at + m[1].length; k < end; k++) { if (camelAt(s, k)) { end = k; break; } }
        if (end > at) { out.push([at, end]); }
        pattern.lastIndex = Math.max(end, at + 1);
      }
      return out;
    };
    var snippetInto = function (el, text, marks) {
      var first = marks.length ? markRanges(text, marks)[0] : null;
      var at = first ? first[0] : 0;
      var start = at > 60 ? text.lastIndexOf(" ", at - 30) + 1 : 0;
      var part = (start > 0 ? "…" : "") + text.slice(start, start + 170) + (text.length > start + 170 ? "…" : "");
      var last = 0;
      (marks.length ? markRanges(part, marks) : []).forEach(function (r) {
        if (r[0] > last) { el.appendChild(document.createTextNode(part.slice(last, r[0]))); }
        var mark = document.createElement("mark");
        mark.textContent = part.slice(r[0], r[1]);
        el.appendChild(mark);
        last = r[1];
      });
      if (last < part.length) { el.appendChild(document.createTextNode(part.slice(last))); }
    };
    var span = function (cls, text) {
      var s = document.createElement("span");
      s.className = cls;
      s.textContent = text;
      return s;
    };
    var SECTIONS = 3, FIRST = 8, ALL = 50;
    var show = function (q, found, limit) {
      results.textContent = "";
      var pages = found.pages;
      if (!pages.length) {
        var none = document.createElement("p");
        none.className = "search-none";
        none.textContent = "Nothing found for “" + q + "”.";
        results.appendChild(none);
      }
      pages.slice(0, limit).forEach(function (g) {
        var page = row(g.page);
        var group = document.createElement("div");
        group.className = "search-group";
        var a = document.createElement("a");
        a.className = "search-result";
        a.href = href(page[3]);
        a.appendChild(span("search-title", page[1]));
        a.appendChild(span("search-kind", page[2] && g.docs.length === 1 && g.docs[0] === g.page ? page[0] + " · " + page[2] : page[0]));
        var best = row(g.docs[0]);
        if (best[4]) {
          var snip = span("search-snippet", "");
          snippetInto(snip, best[4], found.marks);
          a.appendChild(snip);
        }
        group.appendChild(a);
        var sections = g.docs.filter(function (d) { return d !== g.page; });
        if (sections.length) {
          var list = document.createElement("ul");
          list.className = "search-sections";
          sections.slice(0, SECTIONS).forEach(function (d) {
            var r = row(d);
            var li = document.createElement("li");
            var link = document.createElement("a");
            link.href = href(r[3]);
            link.textContent = r[2];
            li.appendChild(link);
            list.appendChild(li);
          });
          group.appendChild(list);
          if (sections.length > SECTIONS) {
            group.appendChild(span("search-more", (sections.length - SECTIONS) + " more on this page"));
          }
        }
        results.appendChild(group);
      });
      if (pages.length > limit) {
        var more = document.createElement("button");
        more.type = "button";
        more.className = "search-all";
        more.textContent = "See all " + Math.min(pages.length, ALL) + " results";
        more.addEventListener("click", function () {
          rows(found, ALL).then(function () { show(q, found, ALL); var l = links(); if (l[limit]) { l[limit].focus(); } });
        });
        results.appendChild(more);
      }
      results.hidden = false;
    };
    // The document chunks the first `limit` pages of the results show.
    var rows = function (found, limit) {
      var chunks = {};
      found.pages.slice(0, limit).forEach(function (g) {
        [g.page].concat(g.docs.slice(0, SECTIONS + 1)).forEach(function (d) { chunks[Math.floor(d / store.meta.chunk)] = true; });
      });
      return Promise.all(Object.keys(chunks).map(function (n) { return load("d/" + n + ".js"); }));
    };
    // The pages found for a query (see rank), with the files the first of them need loaded.
    var find = function (q, limit) {
      var words = wordsOf(q);
      var matched = [];
      return load("index.js").then(function () {
        return Promise.all(words.map(function (w) { return loadShard(shardOf(w)); }));
      }).then(function () {
        // The shards of the terms the words lead to, when they live in another.
        matched = words.map(matching);
        var more = {};
        matched.forEach(function (list) {
          list.forEach(function (m) { if (typeof m[2] === "string") { more[shardOf(m[2])] = true; } });
        });
        return Promise.all(Object.keys(more).map(loadShard));
      }).then(function () {
        var found = rank(words, matched);
        return rows(found, limit || FIRST).then(function () { return found; });
      });
    };
    // For tests and measurements: what the search box shows first, as the URLs of the pages.
    window.opsbookSearch.find = function (q) {
      return find(q, FIRST).then(function (found) {
        return found.pages.slice(0, FIRST).map(function (g) { return row(g.page)[3]; });
      });
    };
    var latest = 0;
    var run = function () {
      var q = input.value.trim();
      var words = wordsOf(q);
      var ticket = ++latest;
      if (!words.length) { results.hidden = true; results.textContent = ""; return; }
      find(q, FIRST).then(function (found) {
        if (ticket === latest) { show(q, found, FIRST); }
      }, function () {
        if (ticket === latest) {
          results.textContent = "Search is not available: its index did not load.";
          results.hidden = false;
        }
      });
    };
    var timer = null;
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 80); });
    var links = function () { return Array.prototype.slice.call(results.querySelectorAll("a, button")); };
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
      else if (event.key === "Escape") { results.hidden = true; document.body.classList.remove("search-open"); input.focus(); }
      else if (event.key === "Enter" && event.target === input) {
        var first = results.querySelector("a");
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
      if (!event.target.closest || !event.target.closest(".search")) {
        results.hidden = true;
        document.body.classList.remove("search-open");
      }
    });
    input.addEventListener("focus", function () {
      load("index.js").catch(function () {}); // ready before the first word is typed
      document.body.classList.add("search-open");
      if (results.childNodes.length) { results.hidden = false; } else if (input.value.trim()) { run(); }
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

  // The sidebar's branches fold by the button beside their link.
  var sidebar = document.getElementById("sidebar");
  if (sidebar) {
    sidebar.addEventListener("click", function (e) {
      var fold = e.target.closest ? e.target.closest(".side-fold") : null;
      if (!fold) { return; }
      var list = document.getElementById(fold.getAttribute("aria-controls"));
      if (!list) { return; }
      var open = list.classList.toggle("folded") === false;
      fold.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // On the 404 page: find what the address was meant to reach (an alert, a task, a moved
  // page) in the map the build wrote, and offer it; a near miss (a letter wrong, or the start
  // of a name) is offered as "Did you mean", and the search box is filled with what was asked.
  var known = document.getElementById("opsbook-known");
  var suggestion = document.getElementById("suggestion");
  if (known && suggestion) {
    try {
      var map = JSON.parse(known.textContent);
      var path = decodeURIComponent(location.pathname);
      var asked = document.getElementById("asked");
      if (asked) { asked.textContent = path; asked.parentNode.hidden = false; }
      if (path.indexOf(map.base) === 0) { path = path.slice(map.base.length); }
      var parts = path.split("/").filter(function (p) { return p !== "" && p !== "index.html"; });
      var key = parts.join("/").toLowerCase() + "/";
      var titleOf = function (url) { return (map.titles || {})[url]; };
      var offer = function (text, href, label, after) {
        suggestion.textContent = text + " ";
        if (href) {
          var a = document.createElement("a");
          a.href = href;
          a.textContent = label || href;
          suggestion.appendChild(a);
          if (after) { suggestion.appendChild(document.createTextNode(after)); }
        }
        suggestion.hidden = false;
      };
      // The known name closest to `word`: one edit per four letters, or a name it begins
      // (four letters or more), or one that begins it; fewest edits first.
      var closest = function (word, names) {
        var best = null;
        Object.keys(names).forEach(function (name) {
          var n = chars(name).length;
          var allowed = Math.max(1, Math.floor(Math.min(n, chars(word).length) / 4));
          var d = Math.abs(n - chars(word).length) > allowed ? allowed + 1 : edits(word, name);
          var prefix = chars(word).length >= 4 && (name.lastIndexOf(word, 0) === 0 || word.lastIndexOf(name, 0) === 0);
          var cost = d <= allowed ? d : prefix ? allowed + 0.5 : null;
          if (cost !== null && (!best || cost < best.cost)) { best = { name: name, cost: cost }; }
        });
        return best;
      };
      var last = parts.length ? parts[parts.length - 1].toLowerCase() : "";
      var underAlerts = parts.length >= 2 && parts[0] === map.alerts_prefix;
      var underTasks = parts.length >= 2 && parts[0] === map.tasks_prefix;
      var slugs = {};
      Object.keys(map.paths).forEach(function (p) {
        var slug = p.split("/").slice(-2)[0];
        if (slug && !slugs[slug]) { slugs[slug] = map.paths[p]; }
      });
      var didYouMean = function () {
        var tries = underAlerts ? [map.alerts] : underTasks ? [map.tasks] : [slugs, map.alerts, map.tasks];
        for (var i = 0; i < tries.length; i++) {
          var hit = closest(last, tries[i]);
          if (hit) {
            var url = tries[i][hit.name];
            var name = tries[i] === map.alerts ? (map.alert_names || {})[hit.name] || hit.name : hit.name;
            var title = titleOf(url);
            offer("Did you mean", url, title && tries[i] === map.alerts ? name + " → " + title : title || name, "?");
            return true;
          }
        }
        return false;
      };
      if (underAlerts && map.alerts[last]) {
        offer("The runbook for " + parts[1] + " is here:", map.alerts[last], titleOf(map.alerts[last]));
      } else if (underTasks && map.tasks[last]) {
        offer("That task is here:", map.tasks[last], titleOf(map.tasks[last]));
      } else if (map.paths[key]) {
        offer("Did you mean", map.paths[key], titleOf(map.paths[key]), "?");
      } else if (last && didYouMean()) {
        // offered
      } else if (underAlerts) {
        offer("There is no runbook for the alert " + parts[1] + " yet.", map.new_runbook, map.new_runbook ? "Write one" : "");
      }
      // The search box, filled with the words of what was asked, and its results shown.
      var box = document.getElementById("search-input");
      if (box && last) {
        box.value = parts[parts.length - 1].replace(/[-_.]+/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2");
      }
    } catch (e) { /* no suggestion */ }
  }

  // A page's contents: the section being read is marked; on a phone they fold into the menu.
  var toc = document.querySelector("article > .toc");
  if (toc) {
    var article = toc.parentNode, marker = toc.nextSibling, sidebar = document.getElementById("sidebar");
    var phone = window.matchMedia ? matchMedia("(max-width: 52rem)") : null;
    var place = function () {
      if (phone && phone.matches && sidebar) { sidebar.insertBefore(toc, sidebar.firstChild); }
      else if (toc.parentNode !== article) { article.insertBefore(toc, marker); }
    };
    place();
    if (phone && phone.addEventListener) { phone.addEventListener("change", place); }
    var tocLinks = Array.prototype.slice.call(toc.querySelectorAll("a[href^='#']"));
    var targets = tocLinks.map(function (a) { return document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1))); });
    var pending = false;
    var mark = function () {
      pending = false;
      var current = -1;
      targets.forEach(function (h, i) { if (h && h.getBoundingClientRect().top < 120) { current = i; } });
      tocLinks.forEach(function (a, i) {
        if (i === current) { a.setAttribute("aria-current", "location"); } else { a.removeAttribute("aria-current"); }
      });
    };
    window.addEventListener("scroll", function () { if (!pending) { pending = true; requestAnimationFrame(mark); } }, { passive: true });
    mark();
  }

  // Arrived by an alert's address (`/alerts/<Name>/`, see the redirect): say which alert,
  // above the section the page names for it.
  try {
    var came = sessionStorage.getItem("opsbook-alert");
    sessionStorage.removeItem("opsbook-alert");
    var listsIt = came && Array.prototype.some.call(document.querySelectorAll(".meta .alert-name code"), function (c) { return c.textContent === came; });
    var content = document.querySelector("main .content");
    if (listsIt && content) {
      var note = document.createElement("div");
      note.className = "came-for";
      note.setAttribute("role", "note");
      note.appendChild(document.createTextNode("You came here for "));
      var name = document.createElement("code");
      name.textContent = came;
      note.appendChild(name);
      var target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
      note.appendChild(document.createTextNode(target ? ": this section is what to do." : "."));
      if (target && content.contains(target)) {
        target.parentNode.insertBefore(note, target);
        // The browser scrolls to the section once the page has loaded: the note stays in view.
        target.style.scrollMarginTop = (note.offsetHeight + 100) + "px";
        note.scrollIntoView();
      } else {
        content.insertBefore(note, content.firstChild);
      }
    }
  } catch (e) { /* no session storage */ }

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
