// Inlined into every page's <head> (theme.py; the CSP allows it by its sha256), so the
// reader's colour scheme applies before the first paint: the choice the header's toggle
// keeps in localStorage (static/guide.js, same key) as data-theme, and the class "js",
// which shows the controls only script works.
try{var t=localStorage.getItem("guide-theme");if(t=="light"||t=="dark")document.documentElement.dataset.theme=t}catch(e){}document.documentElement.classList.add("js")
