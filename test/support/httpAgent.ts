import { CookieJar } from 'tough-cookie';

/** A fetch with a cookie jar that follows nothing by itself: a browser without JavaScript. */
export interface HttpAgent {
  jar: CookieJar;
  request(url: string | URL, init?: RequestInit): Promise<Response>;
  /** GET that follows redirects on `origin` and stops at the first response elsewhere or non-3xx. */
  follow(
    url: string | URL,
    stopAt?: (url: URL) => boolean,
  ): Promise<{ response: Response; url: URL }>;
  /** POST JSON the way the page scripts do. */
  postJson(url: string | URL, body: unknown): Promise<Response>;
  /** POST a form the way a browser does. */
  postForm(url: string | URL, fields: Record<string, string>): Promise<Response>;
}

export function createHttpAgent(origin: string): HttpAgent {
  const jar = new CookieJar();
  const request = async (url: string | URL, init: RequestInit = {}) => {
    const target = new URL(url, origin);
    const headers = new Headers(init.headers);
    const cookie = await jar.getCookieString(target.href);
    if (cookie) headers.set('Cookie', cookie);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const set of response.headers.getSetCookie()) await jar.setCookie(set, target.href);
    return response;
  };
  return {
    jar,
    request,
    async follow(url, stopAt = () => false) {
      let current = new URL(url, origin);
      for (let hops = 0; hops < 20; hops++) {
        if (stopAt(current)) return { response: new Response(null, { status: 204 }), url: current };
        const response = await request(current);
        const location = response.headers.get('location');
        if (response.status < 300 || response.status >= 400 || !location)
          return { response, url: current };
        await response.arrayBuffer();
        current = new URL(location, current);
      }
      throw new Error('too many redirects');
    },
    postJson: (url, body) =>
      request(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', Origin: origin },
        body: JSON.stringify(body),
      }),
    postForm: (url, fields) =>
      request(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin },
        body: new URLSearchParams(fields).toString(),
      }),
  };
}
