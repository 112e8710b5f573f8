// Live updates for a project page of `deployotron serve`. The page is complete without this file;
// it adds the events that arrive after the page was rendered (from the server's SSE stream) and,
// when a resources or deployed event arrives, replaces the resources and deployments sections with
// the server's fresh rendering of them. When the server deploys, it shows the Deploy and Roll back
// controls and follows a job's progress from its stream (which resumes by itself after a drop),
// and a running deployment's Logs link opens a panel that follows its log until it is closed.
// It never builds markup from strings: text goes through textContent, and fresh sections come from
// a parsed copy of the page the server escaped.
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

  // MARK: deploy controls
  var deploy = document.getElementById('deploy');
  if (deploy) {
    var form = document.getElementById('deploy-form');
    var buttons = [document.getElementById('deploy-button'), document.getElementById('rollback-button')];
    var errorLine = document.getElementById('deploy-error');
    var panel = document.getElementById('deploy-progress');
    var stateBadge = document.getElementById('deploy-state');
    var stepLine = document.getElementById('deploy-step');
    var percent = document.getElementById('deploy-percent');
    var bar = document.getElementById('deploy-bar');
    var log = document.getElementById('deploy-log');
    var outcomeLine = document.getElementById('deploy-outcome');
    var following = null;
    deploy.hidden = false;

    function busy(on) { buttons.forEach(function (button) { button.disabled = on; }); }
    function showError(text) { errorLine.textContent = text; errorLine.hidden = !text; }
    function setState(state) {
      stateBadge.textContent = state;
      stateBadge.className = 'badge badge-' + ({ succeeded: 'running', running: 'in_progress' }[state] || state);
      deploy.setAttribute('data-state', state);
    }

    // Follows a job's events; EventSource reconnects with Last-Event-ID by itself after a drop.
    function follow(jobId) {
      if (following) { following.close(); }
      busy(true);
      panel.hidden = false;
      log.textContent = '';
      outcomeLine.textContent = '';
      bar.value = 0;
      percent.textContent = '';
      stepLine.textContent = '';
      setState('running');
      var stream = new EventSource('/api/jobs/' + encodeURIComponent(jobId) + '/events');
      following = stream;
      stream.addEventListener('job', function (message) {
        var job;
        try { job = JSON.parse(message.data); } catch (error) { return; }
        stepLine.textContent = job.kind === 'rollback' ? 'rolling back' : 'deploying';
      });
      stream.addEventListener('progress', function (message) {
        var step;
        try { step = JSON.parse(message.data); } catch (error) { return; }
        var share = typeof step.share === 'number' ? Math.max(0, Math.min(1, step.share)) : 0;
        bar.value = share;
        percent.textContent = Math.floor(share * 100) + '%';
        stepLine.textContent = step.step + ' (' + step.stepIndex + '/' + step.stepCount + ')';
        if (step.phase !== 'started' && step.message && step.message !== 'done') {
          log.appendChild(element('li', step.phase === 'failed' ? 'failed' : null, step.message));
          while (log.childNodes.length > 200) { log.removeChild(log.firstChild); }
          log.scrollTop = log.scrollHeight;
        }
      });
      stream.addEventListener('outcome', function (message) {
        var outcome;
        try { outcome = JSON.parse(message.data); } catch (error) { outcome = { status: 'failed', message: '' }; }
        stream.close();
        following = null;
        setState(outcome.status);
        if (outcome.status === 'succeeded') { bar.value = 1; percent.textContent = '100%'; }
        outcomeLine.textContent = outcome.message || '';
        outcomeLine.className = 'deploy-outcome ' + (outcome.status === 'succeeded' ? 'ok' : 'error');
        busy(false);
        refreshSections();
      });
      stream.onerror = function () {
        // A job the server no longer has (a restart) cannot be resumed.
        if (stream.readyState === EventSource.CLOSED && following === stream) {
          following = null;
          setState('failed');
          outcomeLine.textContent = 'Lost the job\'s progress (the server restarted?); the deployments below say how it ended.';
          busy(false);
          refreshSections();
        }
      };
    }

    function start(path, body) {
      showError('');
      busy(true);
      fetch(base + path, {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (response.status === 202 && answer.job) { follow(answer.job.id); return; }
          busy(false);
          showError(answer.error || ('The server answered ' + response.status + '.'));
          var running = response.status === 409 && response.headers.get('Location');
          if (running && running.indexOf('/api/jobs/') === 0) { follow(running.slice('/api/jobs/'.length)); }
        });
      }).catch(function () {
        busy(false);
        showError('The server could not be reached.');
      });
    }

    function value(id) { return document.getElementById(id).value.trim(); }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var given = value('deploy-source');
      if (!given) { showError('Give a folder on the server (/srv/app) or a git address.'); return; }
      var source = given.charAt(0) === '/' ? { path: given } : { git: given };
      if (source.git && value('deploy-ref')) { source.ref = value('deploy-ref'); }
      var body = { source: source, target: value('deploy-target') || 'local' };
      if (value('deploy-environment')) { body.environment = value('deploy-environment'); }
      start('/deploy', body);
    });
    document.getElementById('rollback-button').addEventListener('click', function () {
      var body = {};
      if (value('deploy-environment')) { body.environment = value('deploy-environment'); }
      start('/rollback', body);
    });
    var running = deploy.getAttribute('data-job');
    if (running) { follow(running); }
  }

  // MARK: logs panel
  var logsPanel = document.getElementById('logs');
  if (logsPanel) {
    var logLines = document.getElementById('logs-lines');
    var logStatus = document.getElementById('logs-status');
    var logLive = document.getElementById('logs-live');
    var logDeployment = document.getElementById('logs-deployment');
    var logStream = null;
    var maxLines = 1000;
    main.classList.add('scripted');

    function stopLogs() {
      if (logStream) { logStream.close(); logStream = null; }
      logLive.hidden = true;
    }

    function addLine(text) {
      var atEnd = logLines.scrollTop + logLines.clientHeight >= logLines.scrollHeight - 8;
      logLines.appendChild(element('li', null, text));
      while (logLines.childNodes.length > maxLines) { logLines.removeChild(logLines.firstChild); }
      if (atEnd) { logLines.scrollTop = logLines.scrollHeight; }
    }

    // A deployment that cannot be followed (no longer live): the last lines kept, and why.
    function showKept(url) {
      fetch(url + '?tail=200', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (answer) {
            if (!response.ok) { logStatus.textContent = answer.error || ('The server answered ' + response.status + '.'); return; }
            logLines.textContent = '';
            (Array.isArray(answer.lines) ? answer.lines : []).forEach(function (line) { addLine(String(line)); });
            logStatus.textContent = 'Not following: the deployment is not live. These are the last lines kept' +
              (answer.source === 'ledger' ? ' in the ledger.' : '.') + (answer.note ? ' (' + answer.note + ')' : '');
          });
        })
        .catch(function () { logStatus.textContent = 'The server could not be reached.'; });
    }

    function openLogs(id) {
      stopLogs();
      logsPanel.hidden = false;
      logsPanel.setAttribute('data-deployment', id);
      logDeployment.textContent = id;
      logLines.textContent = '';
      logStatus.textContent = 'Connecting...';
      var url = '/api/deployments/' + encodeURIComponent(id) + '/logs';
      var stream = new EventSource(url + '?follow=true&tail=200');
      logStream = stream;
      // Every connection starts with the backlog again, so a reconnect starts the panel afresh.
      stream.onopen = function () {
        logLines.textContent = '';
        logLive.hidden = false;
        logStatus.textContent = 'Following; new lines appear as they are written.';
      };
      stream.addEventListener('line', function (message) {
        var data;
        try { data = JSON.parse(message.data); } catch (error) { return; }
        if (typeof data.line === 'string') { addLine(data.line); }
      });
      stream.addEventListener('end', function (message) {
        var data;
        try { data = JSON.parse(message.data); } catch (error) { data = {}; }
        stopLogs();
        logStatus.textContent = typeof data.message === 'string' ? data.message : 'The log ended.';
      });
      stream.onerror = function () {
        if (logStream !== stream) { return; }
        logLive.hidden = true;
        if (stream.readyState === EventSource.CLOSED) {
          // Refused before it streamed (409, 404) or the server went away for good.
          logStream = null;
          showKept(url);
        } else {
          logStatus.textContent = 'Reconnecting...';
        }
      };
      logsPanel.scrollIntoView({ block: 'nearest' });
    }

    // The deployments section is replaced when it refreshes: listen on the document.
    document.addEventListener('click', function (event) {
      var link = event.target && event.target.closest ? event.target.closest('a.logs-link') : null;
      if (!link) { return; }
      event.preventDefault();
      openLogs(link.getAttribute('data-deployment'));
    });
    document.getElementById('logs-close').addEventListener('click', function () {
      stopLogs();
      logsPanel.hidden = true;
      logsPanel.removeAttribute('data-deployment');
      logStatus.textContent = '';
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
