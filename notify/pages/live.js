// Live updates for a project page of `deployotron serve`. The page is complete without this file;
// it adds the events that arrive after the page was rendered (from the server's SSE stream) and,
// when a resources or deployed event arrives, replaces the resources and deployments sections with
// the server's fresh rendering of them. It never builds markup from strings: text goes through
// textContent, and fresh sections come from a parsed copy of the page the server escaped.
(function () {
  'use strict';
  var main = document.querySelector('main[data-guid]');
  if (!main || !window.EventSource) { return; }
  var guid = main.getAttribute('data-guid');
  var last = parseInt(main.getAttribute('data-after') || '0', 10) || 0;
  var list = document.getElementById('events');
  var empty = document.getElementById('no-events');
  var live = document.getElementById('live');
  var base = '/api/projects/' + encodeURIComponent(guid);
  var types = ['ack', 'status', 'error', 'done', 'summary', 'deployed', 'resources'];

  function isoTime(text) {
    var date = new Date(text);
    if (isNaN(date.getTime())) { return { iso: '', shown: '' }; }
    var iso = date.toISOString();
    return { iso: iso, shown: iso.slice(0, 19).replace('T', ' ') + ' UTC' };
  }

  function eventText(event) {
    if (event.data && typeof event.data === 'object') {
      return Object.keys(event.data).sort().map(function (key) {
        var value = event.data[key];
        return key + ': ' + (typeof value === 'string' ? value : JSON.stringify(value));
      }).join(', ');
    }
    return typeof event.message === 'string' ? event.message : '';
  }

  function element(name, className, text) {
    var node = document.createElement(name);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function append(event) {
    if (typeof event.sequence !== 'number' || event.sequence <= last) { return; }
    last = event.sequence;
    var type = types.indexOf(event.type) >= 0 ? event.type : 'status';
    var item = element('li', 'event fresh kind-' + type);
    item.setAttribute('data-sequence', String(event.sequence));
    var when = isoTime(event.receivedAt);
    var time = element('time', null, when.shown);
    time.setAttribute('datetime', when.iso);
    item.appendChild(time);
    item.appendChild(element('span', 'badge badge-' + type, type));
    item.appendChild(element('span', 'event-text', eventText(event)));
    list.appendChild(item);
    if (empty) { empty.hidden = true; }
    list.scrollTop = list.scrollHeight;
  }

  var refreshing = false;
  var again = false;
  // Takes the resources and deployments sections from a fresh rendering of this page.
  function refreshSections() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    fetch(window.location.pathname, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, 'text/html');
        ['resources', 'deployments'].forEach(function (id) {
          var next = fresh.getElementById(id);
          var current = document.getElementById(id);
          if (next && current) { current.replaceWith(document.importNode(next, true)); }
        });
      })
      .catch(function () { /* the next event tries again */ })
      .then(function () {
        refreshing = false;
        if (again) { again = false; refreshSections(); }
      });
  }

  var source = new EventSource(base + '/events?after=' + encodeURIComponent(String(last)));
  source.onopen = function () { if (live) { live.hidden = false; } };
  source.onerror = function () { if (live) { live.hidden = true; } };
  types.forEach(function (type) {
    source.addEventListener(type, function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (error) { return; }
      append(event);
      if (type === 'resources' || type === 'deployed' || type === 'done') { refreshSections(); }
    });
  });
})();
