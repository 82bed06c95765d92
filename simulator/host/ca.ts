// A local certificate authority, so emulated services (api.pagerduty.com, ...) can be served over
// real HTTPS that unmodified clients accept once they trust one file: <stateDir>/ca/ca.pem.

import {
  createPrivateKey,
  createPublicKey,
  KeyObject,
  X509Certificate as NodeX509Certificate,
  randomBytes,
  webcrypto,
} from "node:crypto";
import {
  chmod,
  mkdir,
  mkdtemp,
  open,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { isIP } from "node:net";
import path from "node:path";
import tls from "node:tls";
import type * as X509 from "@peculiar/x509";

type X509Module = typeof X509;
let x509Module: Promise<X509Module> | undefined;

/**
 * @peculiar/x509 is loaded only to create the CA or mint a leaf that is not on disk yet: it is
 * the slowest import of a `watermelon up`, and once every leaf is cached a start needs none.
 */
function loadX509(): Promise<X509Module> {
  x509Module ??= (async () => {
    // Its dependency tsyringe throws at import time without a Reflect polyfill.
    await import("reflect-metadata");
    const x509 = await import("@peculiar/x509");
    // Node's webcrypto is the standard WebCrypto API; its typings just differ from the DOM's.
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    return x509;
  })();
  return x509Module;
}

export interface LeafCertificate {
  /** PEM of the leaf certificate only (no chain): clients trust the CA directly. */
  certPem: string;
  /** PKCS#8 PEM of the leaf's private key. */
  keyPem: string;
}

export interface LocalCa {
  /** "<stateDir>/ca" (absolute). */
  readonly dir: string;
  /** "<stateDir>/ca/ca.pem": for NODE_EXTRA_CA_CERTS, AWS_CA_BUNDLE, curl --cacert, ... */
  readonly certPath: string;
  readonly certPem: string;
  /** A DNS host name or an IPv4/IPv6 literal; minted on first request, then cached. */
  leafFor(name: string): Promise<LeafCertificate>;
  /** Cached; for a tls/https server's SNICallback. */
  secureContextFor(name: string): Promise<tls.SecureContext>;
  /**
   * For tls.createServer({ SNICallback }); an empty servername gets `defaultName`'s context.
   * Node's TLS server does not call SNICallback at all when the client sends no name (as when it
   * connects to an IP address), so such a server also needs `cert`/`key` from leafFor(defaultName).
   */
  sniCallback(
    defaultName: string,
  ): (servername: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void) => void;
}

const CA_SUBJECT = "CN=watermelon local CA, O=watermelon";
const CERT_FILE = "ca.pem";
const KEY_FILE = "ca-key.pem";
const KEY_ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGNING_ALGORITHM = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
// Apple and browsers reject server certificates valid for more than 398 days.
const LEAF_VALIDITY_DAYS = 397;
// Minted leaves are kept beside the CA, so later starts reuse them instead of signing anew.
const LEAF_DIR = "leaves";
// A cached leaf this close to expiry is replaced rather than served.
const LEAF_RENEW_MS = 7 * DAY_MS;

/** Loads the CA from `<stateDir>/ca`, creating it on first use. */
export async function loadOrCreateCa(stateDir: string): Promise<LocalCa> {
  const root = path.resolve(stateDir);
  const dir = path.join(root, "ca");
  if (!(await exists(dir))) await createCaDir(root, dir);
  return loadCa(dir);
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

// The files are written into a private sibling directory that is renamed into place in one step,
// so a concurrent process sees either no CA directory or a complete one. The loser of a race
// discards its CA and uses the winner's.
async function createCaDir(root: string, dir: string): Promise<void> {
  await mkdir(root, { recursive: true });
  const tmp = await mkdtemp(path.join(root, ".ca-tmp-"));
  try {
    const { certPem, keyPem } = await generateCa();
    await writeDurably(path.join(tmp, KEY_FILE), keyPem, 0o600);
    await writeDurably(path.join(tmp, CERT_FILE), certPem, 0o644);
    await chmod(tmp, 0o755);
    try {
      await rename(tmp, dir);
    } catch (err) {
      // ENOTEMPTY/EEXIST (POSIX) or EPERM (Windows) when another process got there first.
      if (!(await exists(dir))) throw err;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function writeDurably(file: string, data: string, mode: number): Promise<void> {
  const handle = await open(file, "wx", mode);
  try {
    await handle.writeFile(data);
    await handle.chmod(mode); // the umask may have narrowed it
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function generateCa(): Promise<{ certPem: string; keyPem: string }> {
  const x509 = await loadX509();
  const keys = await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"]);
  const now = Date.now();
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + 10);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: CA_SUBJECT,
    // Backdated so clients with a slightly slow clock accept it.
    notBefore: new Date(now - DAY_MS),
    notAfter,
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      // pathLength 0: this CA signs only leaves, never intermediate CAs.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: `${cert.toString("pem")}\n`, keyPem: exportPkcs8Pem(keys.privateKey) };
}

// 16 random bytes (RFC 5280 allows up to 20); the library encodes it as a positive INTEGER.
function randomSerial(): string {
  return randomBytes(16).toString("hex");
}

function exportPkcs8Pem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: "pkcs8", format: "pem" }).toString();
}

async function loadCa(dir: string): Promise<LocalCa> {
  const certPath = path.join(dir, CERT_FILE);
  const keyPath = path.join(dir, KEY_FILE);
  const unusable = (file: string, problem: string): Error =>
    new Error(
      `Local CA in ${dir} is unusable: ${file}: ${problem}. ` +
        `Delete the directory ${dir} to create a new CA ` +
        "(clients that trusted the old ca.pem must then be given the new one).",
    );
  const read = async (file: string): Promise<string> => {
    try {
      return await readFile(file, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw unusable(file, code === "ENOENT" ? "file is missing" : `cannot read it (${code})`);
    }
  };

  const certPem = await read(certPath);
  const keyPem = await read(keyPath);

  let nodeCert: NodeX509Certificate;
  try {
    nodeCert = new NodeX509Certificate(certPem);
  } catch (err) {
    throw unusable(certPath, `not a PEM certificate (${(err as Error).message})`);
  }
  if (!nodeCert.ca) throw unusable(certPath, "not a CA certificate");
  const now = Date.now();
  const notBefore = new Date(nodeCert.validFrom);
  const notAfter = new Date(nodeCert.validTo);
  if (now < notBefore.getTime() || now > notAfter.getTime()) {
    throw unusable(
      certPath,
      `valid only from ${notBefore.toISOString()} to ${notAfter.toISOString()}`,
    );
  }

  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(keyPem);
  } catch (err) {
    throw unusable(keyPath, `not a PEM private key (${(err as Error).message})`);
  }
  if (
    privateKey.asymmetricKeyType !== "ec" ||
    privateKey.asymmetricKeyDetails?.namedCurve !== "prime256v1"
  ) {
    throw unusable(keyPath, "not an EC P-256 key");
  }
  const spki = (key: KeyObject) => key.export({ type: "spki", format: "der" });
  if (!spki(createPublicKey(privateKey)).equals(spki(nodeCert.publicKey))) {
    throw unusable(keyPath, `does not match the certificate in ${certPath}`);
  }
  let issuer: Promise<Issuer> | undefined;
  const getIssuer = () => {
    issuer ??= (async () => {
      const x509 = await loadX509();
      const caCert = new x509.X509Certificate(certPem);
      const signingKey = await webcrypto.subtle.importKey(
        "pkcs8",
        privateKey.export({ type: "pkcs8", format: "der" }),
        KEY_ALGORITHM,
        false,
        ["sign"],
      );
      const authorityKeyId =
        caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ??
        (await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey)).keyId;
      if (authorityKeyId === undefined) throw unusable(certPath, "no usable key identifier");
      return { x509, cert: caCert, signingKey, authorityKeyId };
    })();
    return issuer;
  };
  const leafDir = path.join(dir, LEAF_DIR);
  const leaves = new Map<string, Promise<LeafCertificate>>();
  const contexts = new Map<string, Promise<tls.SecureContext>>();

  // Concurrent requests for one name share a promise; a failure is not cached.
  const memo = <T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>) => {
    let entry = cache.get(key);
    if (entry === undefined) {
      entry = make();
      cache.set(key, entry);
      entry.catch(() => cache.delete(key));
    }
    return entry;
  };

  const leafFor = async (name: string): Promise<LeafCertificate> => {
    const subject = parseSubjectName(name);
    return memo(leaves, subject.name, async () => {
      const cached = await readCachedLeaf(leafDir, subject.name, nodeCert);
      if (cached) return cached;
      const leaf = await issueLeaf(await getIssuer(), subject);
      await writeCachedLeaf(leafDir, subject.name, leaf);
      return leaf;
    });
  };
  const secureContextFor = async (name: string): Promise<tls.SecureContext> => {
    const subject = parseSubjectName(name);
    return memo(contexts, subject.name, async () => {
      const leaf = await leafFor(subject.name);
      return tls.createSecureContext({ cert: leaf.certPem, key: leaf.keyPem });
    });
  };
  const sniCallback = (defaultName: string) => {
    parseSubjectName(defaultName); // fail when the server is set up, not at the first handshake
    return (servername: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void) => {
      secureContextFor(servername || defaultName).then(
        (ctx) => cb(null, ctx),
        (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
      );
    };
  };

  return { dir, certPath, certPem, leafFor, secureContextFor, sniCallback };
}

interface Issuer {
  x509: X509Module;
  cert: X509.X509Certificate;
  signingKey: webcrypto.CryptoKey;
  authorityKeyId: string;
}

interface SubjectName {
  /** Canonical form, used as the CN and the cache key. */
  name: string;
  sans: X509.JsonGeneralName[];
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function parseSubjectName(input: string): SubjectName {
  const invalid = () => new Error(`Invalid host name for a certificate: ${JSON.stringify(input)}`);
  const version = isIP(input);
  if (version === 4) return { name: input, sans: [{ type: "ip", value: input }] };
  if (version === 6) {
    // Canonical compressed form; rejects zone ids ("fe80::1%eth0"), which cannot go in a SAN.
    let canonical: string;
    try {
      canonical = new URL(`https://[${input}]/`).hostname.slice(1, -1);
    } catch {
      throw invalid();
    }
    return { name: canonical, sans: [{ type: "ip", value: canonical }] };
  }
  const name = input.toLowerCase();
  const labels = name.split(".");
  if (
    name.length > 253 ||
    !labels.every((label) => DNS_LABEL.test(label)) ||
    // An all-numeric last label would make it look like a (malformed) IPv4 address.
    /^[0-9]+$/.test(labels[labels.length - 1] ?? "")
  ) {
    throw invalid();
  }
  const sans: X509.JsonGeneralName[] = [{ type: "dns", value: name }];
  // Clients that connect to http://localhost may resolve it to either loopback address.
  if (name === "localhost")
    sans.push({ type: "ip", value: "127.0.0.1" }, { type: "ip", value: "::1" });
  return { name, sans };
}

async function issueLeaf(issuer: Issuer, subject: SubjectName): Promise<LeafCertificate> {
  const { x509 } = issuer;
  const keys = await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"]);
  const notBefore = new Date(Date.now() - DAY_MS);
  // Never outlive the CA: clients would reject the chain after the CA expires anyway.
  const notAfter = new Date(
    Math.min(notBefore.getTime() + LEAF_VALIDITY_DAYS * DAY_MS, issuer.cert.notAfter.getTime()),
  );
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: [{ CN: [subject.name] }],
    issuer: issuer.cert.subjectName,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: issuer.signingKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(subject.sans),
      new x509.AuthorityKeyIdentifierExtension(issuer.authorityKeyId),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: `${cert.toString("pem")}\n`, keyPem: exportPkcs8Pem(keys.privateKey) };
}

/** File name of a cached leaf: the canonical name, made safe for IPv6 colons. */
function leafFile(leafDir: string, name: string, suffix: string): string {
  return path.join(leafDir, `${name.replaceAll(":", "_")}${suffix}`);
}

/** A cached leaf, if it exists, was issued by this CA and is not about to expire. */
async function readCachedLeaf(
  leafDir: string,
  name: string,
  ca: NodeX509Certificate,
): Promise<LeafCertificate | undefined> {
  try {
    const certPem = await readFile(leafFile(leafDir, name, ".pem"), "utf8");
    const keyPem = await readFile(leafFile(leafDir, name, ".key.pem"), "utf8");
    const cert = new NodeX509Certificate(certPem);
    const fresh = Date.parse(cert.validTo) - Date.now() > LEAF_RENEW_MS;
    const matches = createPublicKey(createPrivateKey(keyPem))
      .export({ type: "spki", format: "der" })
      .equals(cert.publicKey.export({ type: "spki", format: "der" }));
    if (fresh && matches && cert.checkIssued(ca) && cert.verify(ca.publicKey)) {
      return { certPem, keyPem };
    }
  } catch {
    // missing or unreadable: mint a new one
  }
  return undefined;
}

/** Writes through a temporary file and a rename, so a reader never sees half a leaf. */
async function writeCachedLeaf(leafDir: string, name: string, leaf: LeafCertificate) {
  await mkdir(leafDir, { recursive: true });
  const nonce = randomBytes(6).toString("hex");
  for (const [suffix, data, mode] of [
    [".key.pem", leaf.keyPem, 0o600],
    [".pem", leaf.certPem, 0o644],
  ] as const) {
    const tmp = `${leafFile(leafDir, name, suffix)}.${nonce}.tmp`;
    await writeFile(tmp, data, { mode });
    await rename(tmp, leafFile(leafDir, name, suffix));
  }
}
