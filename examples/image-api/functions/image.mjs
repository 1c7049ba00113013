// The seed's `image` function: stores and returns images by key.
//
// Event (built by the request templates of openapi.json / swagger.json):
//   upload:   { "imageKey": "cat.jpg", "image": "<base64>" }
//   download: { "imageKey": "cat.jpg", "accept": "<the request's Accept header>" }
// Download result: when the first Accept type is application/json (or Accept is
// absent) an object { "image": "<base64>" }; otherwise the base64 string alone,
// which API Gateway turns into raw bytes for a binary Accept type (§1.4).
// The verbatim seed definitions send no "accept": they get the base64 string.
//
// Images live under IMAGE_DATA_DIR (default ./data/images, from the working
// directory). Keys are single path segments, so nothing outside that directory
// can be read or written; uploads are written to a temporary file and renamed,
// so a reader never sees a partial image.

import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

function dataDir() {
  return resolve(process.env.IMAGE_DATA_DIR ?? join('data', 'images'));
}

function checkKey(key) {
  if (typeof key !== 'string' || key === '') throw new Error('Invalid key: the "key" query parameter is required');
  if (!KEY_PATTERN.test(key)) {
    throw new Error('Invalid key: use 1 to 255 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  return key;
}

function wantsJson(accept) {
  const first = accept.split(',')[0].split(';')[0].trim().toLowerCase();
  return first === '' || first === 'application/json';
}

async function upload(key, image) {
  const base64 = typeof image === 'string' ? image.replace(/\s+/g, '') : '';
  const bytes = Buffer.from(base64, 'base64');
  // Canonical base64 survives a round trip; anything else (stray characters, bad padding) does not.
  if (bytes.toString('base64') !== base64) {
    throw new Error('Invalid image: the body must be the image bytes or their base64 text');
  }
  const dir = dataDir();
  await mkdir(dir, { recursive: true });
  const temporary = join(dir, `.upload-${randomUUID()}`);
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, join(dir, key));
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
  return { imageKey: key, size: bytes.length };
}

async function download(key, accept) {
  let bytes;
  try {
    bytes = await readFile(join(dataDir(), key));
  } catch (err) {
    if (err && (err.code === 'ENOENT' || err.code === 'EISDIR')) throw new Error(`Image not found: ${key}`);
    throw err;
  }
  const base64 = bytes.toString('base64');
  if (accept === undefined) return base64;
  return wantsJson(accept) ? { image: base64 } : base64;
}

export async function handler(event) {
  const key = checkKey(event?.imageKey);
  if (event && 'image' in event) return upload(key, event.image);
  return download(key, event?.accept);
}
