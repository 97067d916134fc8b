// Masks secrets in everything the scripts print. Every line of output (table, JSON, errors, the
// proxy's and Nginx's messages) goes through one Redactor holding the secrets of the run, so an
// upstream that echoes a key, or an error that quotes a header, cannot put it in a log.

const MASK = "****";

export class Redactor {
  private readonly secrets: string[] = [];

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Registers a secret (empty and very short values are ignored: masking them would garble text). */
  add(secret: string | undefined): void {
    if (!secret || secret.length < 4 || this.secrets.includes(secret)) return;
    this.secrets.push(secret);
    // Longest first, so a `key:token` pair is masked whole rather than leaving its separator.
    this.secrets.sort((a, b) => b.length - a.length);
  }

  mask(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join(MASK);
    return out;
  }
}
