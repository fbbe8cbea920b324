/* The demo shop's pages: a cart in localStorage and the tracker calls a real shop makes. */
(function () {
  "use strict";
  var CART_KEY = "workbench-demo-cart";
  var body = document.body;
  var page = body.getAttribute("data-page");

  function cart() {
    try { return JSON.parse(localStorage.getItem(CART_KEY) || "[]"); } catch (e) { return []; }
  }
  function saveCart(lines) { localStorage.setItem(CART_KEY, JSON.stringify(lines)); showCount(); }
  function showCount() {
    var n = cart().reduce(function (sum, line) { return sum + line.quantity; }, 0);
    var badge = document.getElementById("cart-count");
    if (badge) badge.textContent = String(n);
  }
  function total(lines) {
    return lines.reduce(function (sum, line) { return sum + line.price * line.quantity; }, 0);
  }
  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) node.className = className;
    return node;
  }

  // The tracker's log at the foot of every page: what was sent and what the collector said.
  var log = document.getElementById("log");
  var segments = document.getElementById("segments");
  window.tracker.onEvent(function (kind, detail) {
    if (kind === "sending") return;
    var item = text("li", "", kind);
    var what = detail.types.join(", ");
    if (kind === "sent") {
      var answer = detail.answer || {};
      var profile = answer.profile && answer.profile.id ? answer.profile.id.slice(0, 8) + "…" : "?";
      item.textContent = "✓ " + what + " → HTTP " + detail.status + ", profile " + profile;
      var seg = answer.debugging && answer.debugging.segmentation;
      if (seg && segments) {
        segments.textContent = seg.ids && seg.ids.length ? seg.ids.join(", ") : "none yet";
        if (seg.entered && seg.entered.length) item.textContent += " · entered " + seg.entered.join(", ");
        if (seg.left && seg.left.length) item.textContent += " · left " + seg.left.join(", ");
      }
    } else {
      item.textContent = "✗ " + what + " failed: " + (detail.error || ("HTTP " + detail.status));
    }
    log.insertBefore(item, log.firstChild);
  });

  window.tracker.track("page-view", {title: document.title, url: location.pathname});
  showCount();

  if (page === "product") {
    var name = body.getAttribute("data-product-name");
    var price = Number(body.getAttribute("data-product-price"));
    var id = body.getAttribute("data-product-id");
    window.tracker.track("product-view", {product: name});
    document.getElementById("add").addEventListener("click", function () {
      var quantity = Math.max(1, parseInt(document.getElementById("quantity").value, 10) || 1);
      var lines = cart();
      var line = lines.filter(function (l) { return l.id === id; })[0];
      if (line) line.quantity += quantity; else lines.push({id: id, name: name, price: price, quantity: quantity});
      saveCart(lines);
      var note = document.getElementById("added");
      note.textContent = "Adding…";
      window.tracker.track("add-to-cart", {product: name, quantity: quantity}, {fire: true}).then(function () {
        note.textContent = quantity + " × " + name + " in the cart.";
      });
    });
  }

  if (page === "cart") {
    var list = document.getElementById("lines");
    var lines = cart();
    if (!lines.length) list.appendChild(text("li", "The cart is empty."));
    lines.forEach(function (l) {
      list.appendChild(text("li", l.quantity + " × " + l.name + " — " + (l.price * l.quantity) + " EUR"));
    });
    document.getElementById("total").textContent = total(lines) + " EUR";
    document.getElementById("to-checkout").hidden = !lines.length;
  }

  if (page === "checkout") {
    var order = cart();
    document.getElementById("total").textContent = total(order) + " EUR";
    if (order.length) {
      window.tracker.track("checkout", {
        items: order.reduce(function (n, l) { return n + l.quantity; }, 0),
        value: total(order), currency: "EUR"
      });
    } else {
      document.getElementById("place").disabled = true;
    }
    document.getElementById("order").addEventListener("submit", function (event) {
      event.preventDefault();
      document.getElementById("place").disabled = true;
      var chain = Promise.resolve();
      order.forEach(function (l) {
        chain = chain.then(function () {
          return window.tracker.track("purchase-order", {
            product: l.name, quantity: l.quantity, value: l.price * l.quantity, currency: "EUR"
          }, {fire: true});
        });
      });
      chain.then(function () {
        saveCart([]);
        location.href = "/demo/thanks";
      });
    });
  }

  if (page === "signup") {
    document.getElementById("signup").addEventListener("submit", function (event) {
      event.preventDefault();
      var form = event.target;
      window.tracker.track("sign-up", {
        email: form.email.value, firstname: form.firstname.value, lastname: form.lastname.value
      }, {fire: true}).then(function () {
        document.getElementById("welcome").textContent = "Welcome, " + form.firstname.value + "!";
      });
    });
  }
})();
