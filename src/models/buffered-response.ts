/**
 * A fetch `Response` over a body already read into memory, for the provider SDKs' non-streaming
 * calls. Node's `Response` wraps every body in a WHATWG ReadableStream (undici), which costs
 * more CPU per call than the HTTP request itself at high concurrency (bench/overhead.ts); the
 * SDKs only read `status`, `ok`, `headers.get()`/`entries()`, `url` and one of `json()`/`text()`.
 * `body` builds a real stream only when something asks for it.
 */
export class BufferedResponse {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = 'basic';
  #text: string | undefined;
  #bytes: Uint8Array | undefined;
  #parsed: { value: unknown } | undefined;
  #used = false;

  constructor(
    body: string | Uint8Array | null,
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers | ResponseHeaders,
    readonly url = '',
    /** The body already parsed as JSON (by whoever checked it), handed to the first `json()`. */
    parsed?: { value: unknown },
  ) {
    this.ok = status >= 200 && status < 300;
    if (typeof body === 'string') this.#text = body;
    else if (body) this.#bytes = body;
    this.#parsed = parsed;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  /** A null body (204, 304, HEAD) stays null, as in fetch. */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#text === undefined && this.#bytes === undefined) return null;
    return new Response(this.#text ?? new Uint8Array(this.#bytes!)).body;
  }

  async text(): Promise<string> {
    this.#consume();
    this.#text ??= this.#bytes ? Buffer.from(this.#bytes.buffer, this.#bytes.byteOffset, this.#bytes.byteLength).toString('utf8') : '';
    return this.#text;
  }

  async json(): Promise<unknown> {
    if (this.#parsed) {
      this.#consume();
      return this.#parsed.value;
    }
    return JSON.parse(await this.text()) as unknown;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = Buffer.from(await this.text());
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  clone(): BufferedResponse {
    if (this.#used) throw new TypeError('Response.clone: body has already been consumed.');
    return new BufferedResponse(this.#text ?? this.#bytes ?? null, this.status, this.statusText, this.headers, this.url);
  }

  #consume(): void {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
  }
}

/**
 * Response headers as Node's HTTP parser gives them (lower-case names), read through the part of
 * the `Headers` interface the SDKs use. A repeated header is joined with ", " as fetch does.
 */
export class ResponseHeaders {
  readonly #map: Map<string, string>;
  #sorted: Array<[string, string]> | undefined;

  constructor(raw: Record<string, string | string[] | undefined>) {
    this.#map = new Map();
    for (const key in raw) {
      const value = raw[key];
      if (value !== undefined) this.#map.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
  }

  get(name: string): string | null {
    return this.#map.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.#map.has(name.toLowerCase());
  }

  forEach(callback: (value: string, key: string, parent: ResponseHeaders) => void): void {
    for (const [key, value] of this.entries()) callback(value, key, this);
  }

  /** Sorted by name, as `Headers` iterates (sorted once: the headers never change). */
  *entries(): IterableIterator<[string, string]> {
    this.#sorted ??= [...this.#map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    yield* this.#sorted;
  }

  *keys(): IterableIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}
