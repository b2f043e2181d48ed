// A campaign in its own words, and "Send now" for one learner (issue 15), in
// real Chromium with axe checks. Onward is served with a local SMTP listener
// (smtp-sink.js). The progression lead writes the campaign's own wording: if
// the cohort has learners written to in Welsh, English alone is refused with
// the error summary naming the Welsh subject, and the Welsh wording is added.
// The campaign starts (the invitation to everyone it emails); on one learner's
// record the lead presses Send now with the keyboard, and the learner's
// reminder arrives at once in the campaign's words, once; the record then lists
// it as sent. On a desktop and at 390 px.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startOnward, launchBrowser, expectNoAxeViolations, signIn, newPage } from './harness.js';
import { startSmtpSink } from './smtp-sink.js';
import { openCampaignThatEmails } from './journeys.js';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
const shots = new URL('../docs/images/', import.meta.url).pathname;
const SUBJECT = 'Where are you now? Riverside wants to know';
const SUBJECT_CY = 'Ble rydych chi nawr?';

/** Waits until `check()` is true, or fails after `seconds`. */
async function eventually(page, check, what, seconds = 60) {
  const until = Date.now() + seconds * 1000;
  while (!(await check())) {
    assert.ok(Date.now() < until, `${what} within ${seconds} s`);
    await page.waitForTimeout(250);
  }
}

/** The Subject header of a message as it arrived (folded lines joined). */
function subjectOf(message) {
  const headers = message.data.split('\r\n\r\n')[0].replace(/\r\n[ \t]+/g, ' ');
  const line = headers.split('\r\n').find((header) => /^subject:/i.test(header)) ?? '';
  return line.slice(line.indexOf(':') + 1).trim();
}

for (const backend of backends()) {
  describe(`own wording and send now on ${backend}`, () => {
    let sink;
    let onward;
    let browser;
    before(async () => {
      sink = await startSmtpSink();
      onward = await startOnward(backend, {
        env: { ONWARD_SMTP__URL: `smtp://127.0.0.1:${sink.port}`, ONWARD_SMTP__FROM: 'tracking@northfield.example' },
        publicUrl: true,
      });
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      await onward?.stop();
      await sink?.stop();
    });

    test('the lead words a campaign, starts it and sends one learner their reminder now', async () => {
      const page = await newPage(browser, { viewport: { width: 1100, height: 800 } });
      await signIn(page, onward.baseUrl, 'progression.lead@northfield.example');

      const found = await openCampaignThatEmails(page, onward.baseUrl);
      assert.ok(found, 'a demo cohort has learners the campaign emails');
      const chosen = found.cohort;

      await page.getByLabel('Schedule (days after the start)').fill('0, 7, 14');
      await page.getByLabel('Quiet from (hour, 0 to 23)').fill('');
      await page.getByLabel('Quiet until (hour, 0 to 23)').fill('');
      for (const day of await page.locator('input[type="checkbox"][name^="quiet_"]').all()) await day.uncheck();
      const wording = page.locator('details.govuk-details', { hasText: 'Your own wording (optional)' });
      await wording.locator('summary').click();
      const needed = await wording.innerText();
      assert.match(needed, /This cohort's learners are written to in: English \(\d+ learners\)/);
      await page.getByLabel('Subject (English)').fill(SUBJECT);
      await page.getByLabel('Message (English)').fill(
        'Your tutors at Northfield would love to hear how you are getting on.\n\nIt takes two minutes.',
      );
      await expectNoAxeViolations(page, assert);
      if (/Welsh \(\d+ learners\)/.test(needed)) {
        // English alone is refused: the Welsh readers would get no words.
        await page.getByRole('button', { name: 'Save campaign' }).click();
        const summary = page.locator('.govuk-error-summary');
        await summary.waitFor();
        assert.match(await summary.innerText(), /Welsh wording is missing: \d+ learners of this cohort/);
        await expectNoAxeViolations(page, assert);
        await summary.getByRole('link', { name: /Welsh wording is missing/ }).click();
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'wording_cy_subject');
        await page.getByLabel('Subject (Welsh)').fill(SUBJECT_CY);
        await page.getByLabel('Message (Welsh)').fill('Hoffai eich tiwtoriaid glywed sut rydych chi.');
      }
      await page.getByRole('button', { name: 'Save campaign' }).click();
      await page.getByRole('heading', { name: /^Campaign \d+: / }).waitFor();
      const campaignUrl = page.url();
      assert.match(await page.locator('main').innerText(), /Wording\s+The campaign's own, in English/);
      await page.getByRole('button', { name: 'Start campaign' }).click();
      await page.getByText('The campaign is running.').waitFor();

      // Everyone the campaign emails gets the invitation, in the campaign's words.
      await eventually(page, async () => sink.messages.length > 0, 'the invitations');
      await page.waitForTimeout(1000);
      assert.ok(sink.messages.every((message) => [SUBJECT, SUBJECT_CY].includes(subjectOf(message))),
        sink.messages.map(subjectOf).join(' | '));

      // A learner of the cohort whose record offers Send now.
      await page.goto(`${onward.baseUrl}/learners?cohort=${chosen}`);
      const records = await page.locator('main table a[href^="/learners/"]').evaluateAll(
        (links) => links.map((link) => link.getAttribute('href')),
      );
      let record;
      for (const href of records) {
        await page.goto(`${onward.baseUrl}${href}`);
        if (await page.getByRole('button', { name: /^Send now/ }).count()) {
          record = href;
          break;
        }
      }
      assert.ok(record, 'a learner of the cohort can be sent their next message');
      const section = page.locator('section', { has: page.locator(`a[href="${new URL(campaignUrl).pathname}"]`) });
      assert.match(await section.innerText(), /Step 1 of 3 \(day 0\), Email: Sent/);
      const next = await section.locator('p[id$="-next"]').innerText();
      const address = next.match(/to (\S+@\S+)\.$/)?.[1];
      assert.ok(address, next);
      assert.match(next, /^Next: Step 2 of 3 \(day 7\) by Email to /);
      await expectNoAxeViolations(page, assert);

      // Send now, with the keyboard.
      await section.getByRole('button', { name: /^Send now/ }).focus();
      await page.keyboard.press('Enter');
      await page.locator('.govuk-notification-banner').waitFor();
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /Queued: step 2 of campaign \d+ goes out in a moment/);
      await expectNoAxeViolations(page, assert);
      const toLearner = () => sink.messages.filter((message) => message.to.some((to) => to.includes(address)));
      await eventually(page, async () => toLearner().length === 2, 'the reminder reaches the mail server');
      const [invitation, reminder] = toLearner();
      assert.ok([SUBJECT, SUBJECT_CY].includes(subjectOf(invitation)), subjectOf(invitation));
      assert.match(subjectOf(reminder), /^(A reminder: |Nodyn atgoffa: )/);
      assert.ok(subjectOf(reminder).endsWith(SUBJECT) || subjectOf(reminder).endsWith(SUBJECT_CY), subjectOf(reminder));
      await eventually(page, async () => {
        await page.goto(`${onward.baseUrl}${record}`);
        return /Step 2 of 3 \(day 7\), Email: Sent/.test(await section.innerText());
      }, 'the record lists the reminder as sent');
      assert.match(await section.innerText(), /Next: Step 3 of 3 \(day 14\)/);
      await page.waitForTimeout(1000);
      assert.equal(toLearner().length, 2, 'the invitation and one reminder, once');
      if (backend === 'sqlite') {
        await section.scrollIntoViewIfNeeded();
        await page.screenshot({ path: `${shots}learner-send-now.png`, fullPage: false });
      }

      // The record on a phone: no sideways scrolling, no axe violations.
      const phone = await newPage(browser, PHONE);
      await signIn(phone, onward.baseUrl, 'progression.lead@northfield.example');
      await phone.goto(`${onward.baseUrl}${record}`);
      await phone.getByRole('heading', { name: 'Campaigns', level: 2 }).waitFor();
      await expectNoAxeViolations(phone, assert);
      const width = await phone.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `no sideways scrolling at 390 px (${width})`);
      await phone.close();
      await page.close();
    });
  });
}
