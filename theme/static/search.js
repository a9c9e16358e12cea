// The search page: Pagefind's search box and results in #search. No other page has script.
//
// The bundle path comes from the page (data-bundle-path, "{{ SITEURL }}/pagefind/"), made
// absolute here: Pagefind imports its files relative to the path it is given, and a
// relative "./pagefind/" would be read from pagefind-ui.js's own folder. Its results link
// to the folder above the bundle, so the search works under a sub-path SITEURL too.
// A query in the address (search.html?q=bare+metal, as the header's form sends it) is
// run at once.
(function () {
  "use strict";
  var element = document.getElementById("search");
  if (!element || typeof PagefindUI !== "function") {
    return;  // the <noscript> text stays, pointing to the table of contents
  }
  // The index is in shards (pagefind/shards.json lists them): the first is searched, the
  // others merged into it.
  var root = new URL(element.getAttribute("data-bundle-path"), document.baseURI);
  fetch(new URL("shards.json", root)).then(function (answer) { return answer.json(); }).then(function (manifest) {
    var paths = manifest.shards.map(function (shard) { return new URL(shard.path, root).pathname; });
    var search = new PagefindUI({
      element: "#search",
      bundlePath: paths[0],
      mergeIndex: paths.slice(1).map(function (path) { return { bundlePath: path }; }),
      showImages: false,
      showSubResults: false,
    });
    var query = new URLSearchParams(window.location.search).get("q");
    if (query && query.trim()) {
      search.triggerSearch(query.trim());
    }
  });
})();
