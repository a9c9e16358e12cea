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
  // move), beside the text and in the drawer (whose first link Tab reaches next).
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
    sidebar.addEventListener("toggle", (event) => event.newState === "open" && centre());
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

  // Search. How it reads its index, on the first search: Pagefind's API from the first
  // shard of pagefind/, the others merged in (shards.json lists them: search.py).
  let index = null;
  function openIndex() {
    const at = new URL("pagefind/", root);
    const options = { baseUrl: root.pathname, excerptLength: 24 };
    index ||= Promise.all([fetch(new URL("shards.json", at)).then((r) => r.json()), import(new URL("0/pagefind.js", at).href)])
      .then(async ([{ shards }, pagefind]) => {
        await pagefind.options(options);
        await pagefind.init();
        await Promise.all(shards.slice(1).map((shard) => pagefind.mergeIndex(new URL(shard.path, at).href, options)));
        return pagefind;
      });
    return index;
  }

  // Of Pagefind's excerpt (HTML), only the text and the <mark>s around matches are kept.
  function excerpt(markup) {
    const parsed = new DOMParser().parseFromString(markup, "text/html").body.childNodes;
    return [...parsed].map((node) => node.nodeName === "MARK" ? make("mark", { textContent: node.textContent }) : node.textContent);
  }

  // A result, one link: the title, the heading of the part matching best, its excerpt.
  function result(page) {
    const best = page.sub_results.reduce((a, b) => (b.locations.length > a.locations.length ? b : a), page.sub_results[0]);
    const part = best && best.url.includes("#") ? best : null;
    const link = make("a", { href: part ? part.url : page.url }, make("strong", { textContent: page.meta.title }));
    if (part) link.append(make("span", { className: "sub", textContent: part.title }));
    link.append(make("span", {}, ...excerpt((part || page).excerpt)));
    return make("li", {}, link);
  }

  // A search box, its status line and its results (the dialog's, search.html's); returns
  // the function that searches for what the box holds.
  function searchBox(field, status, list) {
    let asked = 0;
    async function run() {
      const query = field.value.trim();
      const ask = ++asked;
      if (!query) {
        status.textContent = "";
        list.replaceChildren();
        return;
      }
      if (location.protocol === "file:") {
        status.textContent = "Search needs the site served: run make serve";
        return;
      }
      status.textContent = "Searching…";
      try {
        const pagefind = await openIndex();
        const found = await pagefind.search(query);
        const pages = await Promise.all(found.results.slice(0, 10).map((page) => page.data()));
        if (ask !== asked) return;
        list.replaceChildren(...pages.map(result));
        const count = found.results.length;
        status.textContent = `${count || "No"} result${count === 1 ? "" : "s"} for ${query}`;
      } catch {
        if (ask === asked) status.textContent = "Search could not load its index.";
      }
    }
    field.addEventListener("input", run);
    field.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const first = list.querySelector("a");
      if (first) first.click();
      else run();
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
      const status = make("p", { className: "search-status", role: "status" });
      const list = make("ol", { className: "search-results" });
      dialog = make("dialog", { className: "search-dialog", ariaLabel: "Search", field }, field, status, list);
      document.body.append(dialog);
      dialog.run = searchBox(field, status, list);
      dialog.addEventListener("click", (event) => event.target === dialog && dialog.close());
      // Escape closes at once (in a search field it would first empty the field).
      dialog.addEventListener("keydown", (event) => event.key === "Escape" && dialog.close());
      dialog.addEventListener("close", () => opener && opener.focus());
    }
    opener = document.activeElement;
    if (words) dialog.field.value = words;
    dialog.showModal();
    dialog.field.focus();
    dialog.run();
  }

  function setupSearch() {
    const form = document.querySelector(".search-form");
    const page = document.getElementById("search-results");
    let field = null;
    if (page) {
      // search.html: its own box, filled with the query.
      const box = page.parentElement.querySelector(".search-page-form");
      field = box.querySelector("input");
      field.value = new URLSearchParams(location.search).get("q") || "";
      const run = searchBox(field, page.parentElement.querySelector(".search-status"), page);
      field.addEventListener("input", () => history.replaceState(null, "", `?q=${encodeURIComponent(field.value)}`));
      box.addEventListener("submit", (event) => event.preventDefault());
      run();
    } else if (form) {
      const header = form.querySelector("input");
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        openDialog(header.value);
      });
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
