/** A thin client for Strapi's admin REST API (the endpoints the admin panel itself calls). */
export class AdminApi {
  private constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  static async login(baseUrl: string, email: string, password: string): Promise<AdminApi> {
    const body = await request<{ data: { token: string } }>(baseUrl, 'POST', '/admin/login', { email, password });
    return new AdminApi(baseUrl, body.data.token);
  }

  /** The session's admin JWT (to hand to a browser instead of logging in a second time). */
  get bearer(): string {
    return this.token;
  }

  call<T>(method: string, path: string, payload?: unknown): Promise<T> {
    return request<T>(this.baseUrl, method, path, payload, this.token);
  }

  /** The HTTP status of a call, for asserting refusals. */
  async status(method: string, path: string): Promise<number> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}` },
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** Creates a role holding exactly `actions` (subject-less) and an active user in it. */
  async createUserWithRole(options: { actions: string[]; email: string; password: string }): Promise<void> {
    const suffix = Date.now().toString(36);
    const role = await this.call<{ data: { id: number } }>('POST', '/admin/roles', {
      name: `e2e-no-segments-${suffix}`,
      description: 'e2e: a role without the segments plugin permission',
    });
    await this.call('PUT', `/admin/roles/${role.data.id}/permissions`, {
      permissions: options.actions.map((action) => ({ action, subject: null, properties: {}, conditions: [] })),
    });
    const user = await this.call<{ data: { id: number } }>('POST', '/admin/users', {
      firstname: 'No',
      lastname: 'Segments',
      email: options.email,
      roles: [role.data.id],
    });
    // A user created by an admin is invited (registration token); activating it with a password
    // directly is what an admin does when editing the user.
    await this.call('PUT', `/admin/users/${user.data.id}`, { password: options.password, isActive: true });
  }
}

async function request<T>(baseUrl: string, method: string, path: string, payload?: unknown, token?: string): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
