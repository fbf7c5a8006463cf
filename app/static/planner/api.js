// The JSON API the editor calls: the same endpoints scripts use, with the page's CSRF token.

const token = () => document.querySelector('meta[name="csrf-token"]').content;

export class ApiError extends Error {
  constructor(status, problem) {
    const reasons = (problem.errors || []).map((e) => e.message).filter(Boolean);
    super([problem.detail || problem.title || String(status), ...reasons].join(' '));
    this.status = status;
    this.problem = problem;
  }
}

export class Api {
  constructor(base, roomId) {
    this.base = base;
    this.roomId = roomId;
  }

  async send(method, path, body, signal) {
    const response = await fetch(this.base + path, {
      method,
      signal,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': token() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = response.status === 204 ? null : await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, data || {});
    return data;
  }

  preview(layout, signal) {
    return this.send('POST', `/rooms/${this.roomId}/layouts/preview`, layout, signal);
  }

  arrange(style, attendees) {
    const body = attendees ? { style, attendees } : { style };
    return this.send('POST', `/rooms/${this.roomId}/layouts/arrange`, body);
  }

  create(layout) {
    return this.send('POST', `/rooms/${this.roomId}/layouts`, layout);
  }

  replace(layoutId, layout) {
    return this.send('PUT', `/layouts/${layoutId}`, layout);
  }
}
