/** HTML-escapes text for the demo's pages. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)} · express-jwt-auth demo</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

/** The login form; `error` is shown above it. */
export function loginPage(next: string, error?: string): string {
  return page('Sign in', `${error === undefined ? '' : `<p id="error" role="alert">${escapeHtml(error)}</p>`}
<form method="post" action="/session">
  <input type="hidden" name="next" value="${escapeHtml(next)}">
  <label>Username <input name="username" autocomplete="username" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit" id="sign-in">Sign in</button>
</form>
<p>Try alice / alice-password or admin / admin-password.</p>`);
}

/** The signed-in user's page: who they are, a note form and a logout button. */
export function profilePage(username: string, scopes: readonly string[]): string {
  return page('Profile', `<p id="who">Signed in as <strong>${escapeHtml(username)}</strong></p>
<p id="scopes">Scopes: ${escapeHtml(scopes.join(' '))}</p>
<form method="post" action="/notes">
  <label>Note <input name="note" required></label>
  <button type="submit" id="save-note">Save note</button>
</form>
<form method="post" action="/logout">
  <button type="submit" id="sign-out">Sign out</button>
</form>
<p id="live">Live: connecting…</p>
<script>
// The session cookie goes with the handshake; /ws accepts it from this origin only.
const live = document.getElementById('live');
const socket = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws');
socket.onmessage = (event) => { const hello = JSON.parse(event.data); live.textContent = 'Live: connected as ' + hello.user + ' (' + hello.scopes.join(' ') + ')'; };
socket.onclose = (event) => { live.textContent += ' · closed (' + event.code + (event.reason ? ': ' + event.reason : '') + ')'; };
</script>`);
}

/** The answer to a saved note. */
export function notePage(username: string, note: string): string {
  return page('Note saved', `<p id="saved">Saved a note for ${escapeHtml(username)}: ${escapeHtml(note)}</p>
<p><a href="/profile">Back to your profile</a></p>`);
}
