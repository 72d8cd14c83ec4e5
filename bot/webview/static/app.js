// Telegram Mini App: send Telegram's initData to the server, which checks its signature.
// Telegram passes it in the page's fragment (#tgWebAppData=...); telegram-web-app.js is not
// loaded (no CDN): the fragment is all we need.
(function () {
  var params = new URLSearchParams(window.location.hash.slice(1));
  var data = params.get("tgWebAppData");
  var form = document.getElementById("miniapp");
  if (!data || !form) { return; }
  form.elements["init_data"].value = data;
  form.submit();
})();
