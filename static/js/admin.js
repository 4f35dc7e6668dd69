// Every page of the support desk (templates/admin/base_site.html). Django's two-box picker
// (SelectFilter2.js, for the groups of a user and the permissions of a group) names the
// magnifier icon of each filter box with aria-label on a <span> without a role, which ARIA
// does not allow. As an image the icon keeps that name, and through its <label> the filter
// box keeps it too. The picker is built by a "load" listener added while the page is
// parsed; this script is deferred, so its own listener is added, and runs, after that one.
(function () {
  "use strict";
  window.addEventListener("load", function () {
    document.querySelectorAll(".selector-filter .search-label-icon").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  });
})();
