/* Workbench's small tracker: the API of Tracardi's JS snippet, for the demo shop.
 *
 * A page configures it like Tracardi's loader, then calls window.tracker.track():
 *
 *   <script>
 *     const options = {tracker: {url: {script: "/demo/tracker.js", api: ""},
 *                                source: {id: "source-id"}, debugger: true}};
 *   </script>
 *   <script src="/demo/tracker.js"></script>
 *   window.tracker.track("page-view", {title: document.title});
 *   window.tracker.track("add-to-cart", {product: "Nike shoes"}, {fire: true});
 *
 * As Tracardi's tracker does: calls made while the page loads are sent together in
 * one POST /track when it has loaded; {fire: true} sends at once (and returns a
 * promise of the answer); {asBeacon: true} uses navigator.sendBeacon. The session id
 * lives in the cookie tracardi-session-id (30 minutes, refreshed on use), the profile
 * id in localStorage tracardi-profile-id. window.response.context becomes the
 * payload's options (that is how a Tracardi page turns the debugger on); the
 * `debugger` setting does the same and logs each answer's debugging block to the
 * console. An empty api sends to the collector that served the page.
 */
(function () {
  "use strict";
  var settings = (window.options && window.options.tracker) || {};
  var api = (settings.url && settings.url.api) || "";
  var sourceId = (settings.source && settings.source.id) || "source-id";
  var SESSION_COOKIE = "tracardi-session-id";
  var PROFILE_KEY = "tracardi-profile-id";
  var SESSION_SECONDS = 1800;
  var queue = [];
  var loaded = document.readyState === "complete";
  var readyCallbacks = [];
  var listeners = [];

  window.response = window.response || {context: {}};

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0;
      return (c === "x" ? r : (r & 0x3 | 0x8)).toString(16);
    });
  }

  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) return decodeURIComponent(parts[i].slice(eq + 1));
    }
    return null;
  }

  function sessionId() {
    var id = readCookie(SESSION_COOKIE) || uuid();
    document.cookie = SESSION_COOKIE + "=" + encodeURIComponent(id) +
      "; path=/; max-age=" + SESSION_SECONDS + "; SameSite=Lax";
    return id;
  }

  function profileId() {
    try { return localStorage.getItem(PROFILE_KEY); } catch (e) { return null; }
  }

  function rememberProfile(id) {
    if (!id) return;
    try { localStorage.setItem(PROFILE_KEY, id); } catch (e) { /* storage off */ }
  }

  function pageContext() {
    return {
      page: {
        url: location.href, path: location.pathname, hash: location.hash,
        title: document.title,
        referer: {host: document.referrer ? new URL(document.referrer).host : null},
        history: {length: history.length}
      }
    };
  }

  function payload(events) {
    var options = {};
    var context = window.response.context || {};
    for (var key in context) if (Object.prototype.hasOwnProperty.call(context, key)) options[key] = context[key];
    if (settings.debugger) options.debugger = true;
    var profile = profileId();
    return {
      source: {id: sourceId},
      session: {id: sessionId()},
      profile: profile ? {id: profile} : null,
      context: {
        time: {local: new Date().toISOString(), tz: Intl.DateTimeFormat().resolvedOptions().timeZone},
        browser: {local: {browser: {userAgent: navigator.userAgent, language: navigator.language}}},
        screen: {local: {width: screen.width, height: screen.height}}
      },
      options: options,
      events: events
    };
  }

  function tell(kind, detail) {
    for (var i = 0; i < listeners.length; i++) {
      try { listeners[i](kind, detail); } catch (e) { console.error(e); }
    }
  }

  function send(events, asBeacon) {
    if (!events.length) return Promise.resolve(null);
    var body = payload(events);
    var types = events.map(function (e) { return e.type; });
    tell("sending", {types: types, body: body});
    if (asBeacon && navigator.sendBeacon) {
      var ok = navigator.sendBeacon(api + "/track", new Blob([JSON.stringify(body)], {type: "application/json"}));
      tell("sent", {types: types, beacon: true, ok: ok});
      return Promise.resolve(null);
    }
    return fetch(api + "/track", {
      method: "POST",
      headers: {"Content-Type": "application/json", "x-timestamp": String(Date.now())},
      credentials: "omit",
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.status !== 200 || !data || !data.profile || !data.profile.id) {
          console.warn("/track must return profile id", response.status, data);
          tell("failed", {types: types, status: response.status, answer: data});
          return data;
        }
        rememberProfile(data.profile.id);
        if (settings.debugger && data.debugging) console.info("tracardi debugging", data.debugging);
        tell("sent", {types: types, status: response.status, answer: data});
        for (var i = 0; i < readyCallbacks.length; i++) {
          try { readyCallbacks[i]({tracker: window.tracker, context: data, config: settings}); }
          catch (e) { console.error(e); }
        }
        return data;
      });
    }).catch(function (error) {
      console.error("tracker: /track failed", error);
      tell("failed", {types: types, error: String(error)});
      return null;
    });
  }

  function track(type, properties, options) {
    options = options || {};
    var event = {
      type: type,
      properties: properties || {},
      time: {create: new Date().toISOString()},
      options: options,
      context: pageContext()
    };
    if (options.fire || loaded) return send([event], options.asBeacon);
    queue.push(event);
    return Promise.resolve(null);
  }

  function flush() {
    var events = queue;
    queue = [];
    return send(events, false);
  }

  window.tracker = {
    track: track,
    flush: flush,
    profileId: profileId,
    sessionId: function () { return readCookie(SESSION_COOKIE); },
    onEvent: function (callback) { listeners.push(callback); }
  };
  window.onTracardiReady = {bind: function (callback) { readyCallbacks.push(callback); }};

  if (!loaded) {
    window.addEventListener("load", function () {
      loaded = true;
      window.tracker.pageLoaded = flush();
    });
  }
})();
