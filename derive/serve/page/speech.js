// Where the Speech Rule Engine (derive/assets/sre, loaded after this file) finds its English rules: this
// server, never a CDN. The page (app.js) asks it for each formula's spoken text once it has typeset it.
"use strict";
window.SREfeature = { json: "/static/sre/mathmaps/", locale: "en", domain: "clearspeak", modality: "speech" };
