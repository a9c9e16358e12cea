// The theme's one script, deferred on every page. Pages work without it; it only adds.
(() => {
  "use strict";

  // This file is <site>/theme/guide.js, wherever the site is served.
  const root = new URL("..", document.currentScript.src);
  const html = document.documentElement;
  const all = (selector) => [...document.querySelectorAll(selector)];
  const make = (tag, properties, ...children) => {
    const element = Object.assign(document.createElement(tag), properties);
    element.append(...children);
    return element;
  };

  // Colour scheme: system, light or dark; theme/init.js applies it before the first paint.
  const SCHEME_KEY = "guide-theme";
  const SCHEMES = ["system", "light", "dark"];

  function setupSchemeToggle() {
    const button = document.querySelector(".theme-toggle");
    if (!button) return;
    const show = () => (button.ariaLabel = `Colour scheme: ${html.dataset.theme || "system"}`);
    button.addEventListener("click", () => {
      const scheme = SCHEMES[(SCHEMES.indexOf(html.dataset.theme || "system") + 1) % 3];
      try {
        if (scheme === "system") localStorage.removeItem(SCHEME_KEY);
        else localStorage.setItem(SCHEME_KEY, scheme);
      } catch {} // storage refused: the choice holds for this page
      if (scheme === "system") delete html.dataset.theme;
      else html.dataset.theme = scheme;
      show();
    });
    show();
  }

  // Sidebar: the current entry centred in the sidebar's own scroll box (the page does not
  // move), beside the text and in the drawer. The drawer (a popover, below 64em) keeps
  // focus inside while open: focus goes to the current entry, Tab and Shift+Tab cycle;
  // Escape closes it and the browser returns focus to the menu button.
  function setupSidebar() {
    const sidebar = document.getElementById("sidebar");
    if (!sidebar) return;
    const current = sidebar.querySelector('[aria-current="page"]');
    const centre = () => {
      if (!current || sidebar.scrollHeight <= sidebar.clientHeight) return;
      const entry = current.getBoundingClientRect();
      const box = sidebar.getBoundingClientRect();
      sidebar.scrollTop += entry.top - box.top - (sidebar.clientHeight - entry.height) / 2;
    };
    centre();
    sidebar.addEventListener("toggle", (event) => {
      if (event.newState !== "open") return;
      centre();
      (current || sidebar.querySelector("a")).focus({ preventScroll: true });
    });
    sidebar.addEventListener("keydown", (event) => {
      if (event.key !== "Tab" || !sidebar.matches(":popover-open")) return;
      const stops = [...sidebar.querySelectorAll("a, summary, input")].filter((stop) => stop.offsetParent);
      const edge = event.shiftKey ? stops[0] : stops[stops.length - 1];
      if (document.activeElement === edge) {
        event.preventDefault();
        stops[event.shiftKey ? stops.length - 1 : 0].focus();
      }
    });
  }

  // Groups of more than 50 entries: a field that hides the entries not matching.
  function setupFilters() {
    for (const list of all("details > ol")) {
      if (list.children.length <= 50) continue;
      const name = list.parentElement.querySelector("summary").ariaLabel;
      const field = make("input", { type: "search", className: "filter", placeholder: `Filter ${name}`, ariaLabel: `Filter ${name}` });
      field.addEventListener("input", () => {
        const words = field.value.trim().toLowerCase();
        for (const entry of list.children) entry.hidden = !entry.textContent.toLowerCase().includes(words);
      });
      list.before(field);
    }
  }

  // "On this page": the last heading scrolled past the top of the window (100px) is marked.
  function setupOnThisPage() {
    const links = all('.on-this-page a[href^="#"]');
    const headings = links.map((link) => document.getElementById(decodeURIComponent(link.hash.slice(1))));
    let queued = false;
    const mark = () => {
      queued = false;
      let at = -1;
      headings.forEach((heading, index) => {
        if (heading && heading.getBoundingClientRect().top < 100) at = index;
      });
      if (innerHeight + scrollY >= html.scrollHeight - 2) at = links.length - 1; // the end: the last
      links.forEach((link, index) => {
        if (index === at) link.setAttribute("aria-current", "true");
        else link.removeAttribute("aria-current");
      });
    };
    if (!links.length) return;
    addEventListener("scroll", () => {
      if (!queued) queued = requestAnimationFrame(mark) > 0;
    }, { passive: true });
    mark();
  }

  // Copy buttons: the code as a reader would type it (no line numbers, prompts, output).
  function setupCopyButtons() {
    const blocks = all(".highlight > pre");
    if (!blocks.length) return;
    const said = make("p", { className: "visually-hidden", role: "status" });
    document.body.append(said);
    for (const pre of blocks) {
      const ready = { textContent: "Copy", ariaLabel: "Copy code" };
      const button = make("button", { type: "button", className: "copy", ...ready });
      button.addEventListener("click", async () => {
        const code = pre.cloneNode(true);
        for (const extra of code.querySelectorAll(".linenos, .gp, .go")) extra.remove();
        try {
          await navigator.clipboard.writeText(code.textContent);
          Object.assign(button, { textContent: "Copied", ariaLabel: "Copied" });
          said.textContent = "Copied";
        } catch {
          said.textContent = "Copying is not allowed here";
        }
        setTimeout(() => {
          Object.assign(button, ready);
          said.textContent = "";
        }, 2000);
      });
      pre.before(button);
      pre.parentElement.classList.add("copyable");
    }
  }

  // Search. Its index is read on the reader's first key: pagefind/shards.json (the shards,
  // and each page's title and label by Pagefind's id: search.py), then
  // Pagefind's API from the first shard, the others merged in. Pagefind ranks by its
  // ranking options (below; the manual's search page says why each); on top, a page whose
  // title or label is mostly the query's words comes first (closeness), which Pagefind,
  // counting title words only as matches, cannot tell from a page that mentions them.
  const RANKING = { termSimilarity: 9, pageLength: 0.3, termFrequency: 0.5, metaWeights: { title: 0, label: 0 } };
  const SHOWN = 5; // results, with their excerpts, per batch: each is one fragment file
  const WAIT = 250; // ms after the last key before a search (and its fetches) starts
  let index = null;
  function openIndex() {
    const at = new URL("pagefind/", root);
    const options = { baseUrl: root.pathname, excerptLength: 24, ranking: RANKING };
    index ||= Promise.all([fetch(new URL("shards.json", at)).then((r) => r.json()), import(new URL("0/pagefind.js", at).href)])
      .then(async ([{ shards, pages }, pagefind]) => {
        await pagefind.options(options);
        await pagefind.init();
        await Promise.all(shards.slice(1).map((shard) => pagefind.mergeIndex(new URL(shard.path, at).href, options)));
        return { pagefind, pages: pages || {} };
      });
    return index;
  }

  const words = (text) => text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const key = (hit) => hit.id.split("_").pop(); // Pagefind's id, less its language
  // How much of a page's title, its label or a part in brackets ("Green Unicorn
  // (Gunicorn)") the query's words make up: 1 for "flask" and "Flask", 0.2 for
  // "flask.app Flask Example Code". The last word may be cut short, as it is typed.
  function closeness(query, names) {
    const asked = words(query);
    let best = 0;
    for (const name of names) {
      for (const text of [name, ...(name.match(/\(([^)]+)\)/g) || [])]) {
        const title = words(text);
        const hits = asked.filter((word, at) => title.some((part) => part === word || (at === asked.length - 1 && word.length > 2 && part.startsWith(word)))).length;
        if (title.length) best = Math.max(best, hits / Math.max(asked.length, title.length));
      }
    }
    return best;
  }
  // Letters to change, add, remove or swap to make one word the other.
  function distance(a, b) {
    const rows = [[...Array(b.length + 1).keys()]];
    for (let i = 1; i <= a.length; i++) {
      const row = (rows[i] = [i]);
      for (let j = 1; j <= b.length; j++) {
        row[j] = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + (a[i - 1] !== b[j - 1]));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j], rows[i - 2][j - 2] + 1);
      }
    }
    return rows[a.length][b.length];
  }
  // The titles closest to a query that found little: a title word or label within a
  // letter or two of it (one in four letters); each found by a search for its title,
  // which gives its address.
  async function suggestions(query, pagefind, pages, found) {
    const asked = words(query).join(" ");
    const limit = Math.max(1, asked.length >> 2);
    const close = Object.entries(pages)
      .filter(([id]) => !found.has(id))
      .map(([id, names]) => [Math.min(...names.flatMap((name) => [name.toLowerCase(), ...words(name)]).map((word) => distance(asked, word))), id, names])
      .filter(([far]) => far <= limit)
      .sort((a, b) => a[0] - b[0] || a[2][0].length - b[2][0].length)
      .slice(0, 3);
    const links = await Promise.all(close.map(async ([, id, names]) => {
      const hit = (await pagefind.search(names[0])).results.find((result) => key(result) === id);
      return hit && make("a", { href: (await hit.data()).url, textContent: names[names.length - 1] });
    }));
    return links.filter(Boolean);
  }

  // Of Pagefind's excerpt (HTML), only the text and the <mark>s around matches are kept.
  function excerpt(markup) {
    const parsed = new DOMParser().parseFromString(markup || "", "text/html").body.childNodes;
    return [...parsed].map((node) => node.nodeName === "MARK" ? make("mark", { textContent: node.textContent }) : node.textContent);
  }
  const line = (href, title, text) => make("a", { href }, make("strong", { textContent: title }), make("span", {}, ...excerpt(text)));

  // A result: the page, linked to its top, then its matching sections, each its own link.
  function result(page) {
    const top = page.sub_results.find((part) => !part.url.includes("#"));
    const parts = page.sub_results.filter((part) => part.url.includes("#")).slice(0, 3);
    const item = make("li", {}, line(page.url.split("#")[0], page.meta.title, (top || page).excerpt));
    if (parts.length) item.append(make("ol", {}, ...parts.map((part) => make("li", {}, line(part.url, part.title, part.excerpt)))));
    return item;
  }

  // A search box, its status line and its results (the dialog's, search.html's); returns
  // the function that searches for what the box holds, at once.
  function searchBox(field, status, list) {
    let asked = 0;
    let timer = 0;
    let next = null; // adds the next results of the last search
    const more = make("button", { type: "button", className: "search-more", hidden: true });
    list.after(more);
    more.addEventListener("click", async () => {
      const from = list.children.length;
      await next();
      list.children[from]?.querySelector("a").focus();
    });
    async function run() {
      clearTimeout(timer);
      timer = 0;
      const query = field.value.trim();
      const ask = ++asked;
      if (!query) {
        status.textContent = "";
        list.replaceChildren();
        more.hidden = true;
        return;
      }
      try {
        const { pagefind, pages } = await openIndex();
        const found = (await pagefind.search(query)).results;
        const near = (hit) => closeness(query, pages[key(hit)] || []);
        const ranked = found.map((hit, at) => [near(hit) >= 0.5 ? near(hit) : 0, at, hit]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map((row) => row[2]);
        let shown = 0;
        next = async () => {
          const batch = await Promise.all(ranked.slice(shown, shown + SHOWN).map((hit) => hit.data()));
          if (ask !== asked) return;
          shown += batch.length;
          list.append(...batch.map(result));
          more.textContent = `More results (${ranked.length - shown})`;
          more.hidden = shown >= ranked.length;
        };
        if (ask !== asked) return;
        list.replaceChildren();
        await next();
        if (ask !== asked) return;
        if (ranked.length < 3) {
          const close = await suggestions(query, pagefind, pages, new Set(found.map(key)));
          if (ask !== asked) return;
          if (close.length) list.append(make("li", { className: "suggest" }, "Did you mean ", ...close.flatMap((link, at) => [at ? ", " : "", link]), "?"));
        }
        status.textContent = `${ranked.length || "No"} result${ranked.length === 1 ? "" : "s"} for ${query}`;
      } catch {
        if (ask === asked) status.textContent = "Search could not load its index.";
      }
    }
    field.addEventListener("input", () => {
      clearTimeout(timer);
      if (location.protocol === "file:") return (status.textContent = "Search needs the site served: run make serve");
      status.textContent = field.value.trim() ? "Searching…" : "";
      if (field.value.trim()) openIndex().catch(() => {}); // the index's own files load at the first key
      timer = setTimeout(run, WAIT);
    });
    field.addEventListener("keydown", async (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      if (timer) await run();
      list.querySelector("a")?.click();
    });
    // Up and Down move between the box and the results.
    list.parentElement.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      const stops = [field, ...list.querySelectorAll("a")];
      const next = stops[stops.indexOf(document.activeElement) + (event.key === "ArrowDown" ? 1 : -1)];
      if (next) {
        event.preventDefault();
        next.focus();
      }
    });
    return run;
  }

  let dialog = null;
  let opener = null;
  function openDialog(words) {
    if (!dialog) {
      const field = make("input", { type: "search", placeholder: "Search", autocomplete: "off", ariaLabel: "Search" });
      const close = make("button", { type: "button", className: "search-close", textContent: "Close" });
      const status = make("p", { className: "search-status", role: "status" });
      const list = make("ol", { className: "search-results" });
      dialog = make("dialog", { className: "search-dialog", ariaLabel: "Search", field }, make("div", { className: "search-bar" }, field, close), status, list);
      document.body.append(dialog);
      dialog.run = searchBox(field, status, list);
      close.addEventListener("click", () => dialog.close());
      dialog.addEventListener("click", (event) => event.target === dialog && dialog.close());
      // Escape closes at once (in a search field it would first empty the field).
      dialog.addEventListener("keydown", (event) => event.key === "Escape" && dialog.close());
      dialog.addEventListener("close", () => opener && opener.focus());
    }
    opener = document.activeElement;
    if (words) dialog.field.value = words;
    dialog.showModal();
    dialog.field.focus();
    if (words) dialog.field.dispatchEvent(new Event("input"));
  }

  function setupSearch() {
    const form = document.querySelector(".search-form");
    const page = document.getElementById("search-results");
    let field = null;
    if (page) {
      // search.html: its own box, filled with the query.
      field = page.parentElement.querySelector(".search-page-form input");
      field.value = new URLSearchParams(location.search).get("q") || "";
      const run = searchBox(field, page.parentElement.querySelector(".search-status"), page);
      field.addEventListener("input", () => history.replaceState(null, "", `?q=${encodeURIComponent(field.value)}`));
      run();
    } else if (form) {
      // The header: the box and the button open the dialog (the note is for no script).
      const header = form.querySelector("input");
      const button = form.querySelector("button");
      header.removeAttribute("aria-describedby");
      button.removeAttribute("popovertarget");
      document.getElementById("search-note")?.remove(); // it is for a reader without script
      button.addEventListener("click", () => openDialog(header.value));
      header.addEventListener("input", () => {
        openDialog(header.value);
        header.value = "";
      });
      header.addEventListener("click", () => openDialog(header.value));
    } else {
      return; // search is off
    }
    // `/` (outside a field) and Ctrl+K or ⌘K, from anywhere.
    addEventListener("keydown", (event) => {
      const typing = event.target.closest && event.target.closest("input, textarea, select, [contenteditable]");
      const slash = event.key === "/" && !typing;
      const k = event.key.toLowerCase() === "k" && (event.ctrlKey || event.metaKey);
      if (!slash && !k) return;
      event.preventDefault();
      if (field) field.focus();
      else openDialog("");
    });
  }

  // What reads the layout first, then what adds to the page, in a task of its own.
  document.addEventListener("DOMContentLoaded", () => {
    setupSchemeToggle();
    setupSidebar();
    setupOnThisPage();
    setupSearch();
    setTimeout(() => {
      setupFilters();
      setupCopyButtons();
    });
  });
})();
