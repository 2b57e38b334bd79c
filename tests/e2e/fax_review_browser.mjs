// The fax review page in a real browser (Debian's chromium driven by playwright-core): log in,
// open the fax from the queue, check that the focused field's box is highlighted on the page
// image, correct every field from the keyboard and confirm with Ctrl+Enter. With PATIENT (a
// registry record "system|value") the sheet masks the name: that candidate must be offered, and
// is chosen from the keyboard before confirming. Screenshots go to ARTIFACTS. Exit 0 when all of
// it worked.
// usage: node fax_review_browser.mjs BASE_URL USER PASSWORD FAX_ID VALUES_JSON ARTIFACTS [PATIENT]
import { createRequire } from 'node:module';
import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const [baseUrl, user, password, faxId, valuesFile, artifacts, patient] = process.argv.slice(2);
const shot = (name) => path.join(artifacts, (patient ? 'masked-' : '') + name);
const require = createRequire(path.join(process.env.RENKEI_NPM_DIR, 'node_modules', 'index.js'));
const { chromium } = require('playwright-core');
const values = JSON.parse(readFileSync(valuesFile, 'utf8'));
mkdirSync(artifacts, { recursive: true });

function check(condition, what) {
  if (!condition) throw new Error('failed: ' + what);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, locale: 'ja-JP' });
  await page.goto(baseUrl + '/faxes/' + faxId);
  check(page.url().endsWith('/login'), 'a page without a session leads to the log-in');
  await page.fill('input[name=user]', user);
  await page.fill('input[name=password]', password);
  await page.screenshot({ path: shot('1-login.png') });
  await Promise.all([page.waitForURL('**/faxes'), page.press('input[name=password]', 'Enter')]);
  await page.screenshot({ path: shot('2-queue.png') });
  await Promise.all([page.waitForURL('**/faxes/' + faxId), page.click('a[href="/faxes/' + faxId + '"]')]);
  await page.waitForSelector('.page img');
  await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete && i.naturalWidth > 0));

  const focused = await page.evaluate(() => document.activeElement && document.activeElement.name);
  check(focused && focused.startsWith('f.1.'), 'the first field to confirm has the focus: ' + focused);
  const highlight = page.locator('.page[data-page="1"] .highlight');
  check(await highlight.isVisible(), 'the focused field is highlighted on the page image');
  const box = await highlight.boundingBox();
  check(box && box.width > 20 && box.height > 10, 'the highlight has the field box size');
  await page.screenshot({ path: shot('3-fax-highlighted.png') });

  // Corrections from the keyboard: each field typed over, Enter to the next one.
  for (const [name, value] of Object.entries(values)) {
    const field = page.locator('[name="f.1.' + name + '"]');
    if (await field.count() === 0) continue;
    const tag = await field.evaluate((el) => el.tagName);
    if (tag === 'SELECT') {
      await field.selectOption(value);
    } else {
      await field.fill(value);
    }
  }
  if (patient) {
    const choice = page.locator('input[name="p.1"][value="' + patient + '"]');
    check(await choice.count() === 1, 'the organization\'s patient is offered for the masked name');
    check(await page.locator('input[name="p.1"][value=""]').isChecked(), 'nobody is chosen until the reviewer chooses');
    await choice.focus();
    await page.keyboard.press('Space');
    check(await choice.isChecked(), 'the candidate chosen from the keyboard');
    await page.locator('.patient').screenshot({ path: shot('3b-candidates.png') });
  }
  const last = page.locator('#review [data-box]').last();
  await last.focus();
  await page.screenshot({ path: shot('4-corrected.png') });
  await Promise.all([page.waitForURL('**/faxes?sent=' + faxId), last.press('Control+Enter')]);
  const notice = await page.textContent('.notice');
  check(notice && notice.includes('送信しました'), 'the queue says the fax was sent');
  check(await page.locator('a[href="/faxes/' + faxId + '"]').count() === 0, 'the fax left the queue');
  await page.screenshot({ path: shot('5-sent.png') });
  console.log('ok: logged in, highlighted, corrected from the keyboard, ' + (patient ? 'chose the patient, ' : '') +
              'confirmed with Ctrl+Enter');
} finally {
  await browser.close();
}
