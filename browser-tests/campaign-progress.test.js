// Watching a running campaign's progress (issue 15), in real Chromium with axe
// checks. Onward is served with a mail server: a local SMTP listener this test
// starts (smtp-sink.js), which holds each message's final answer until the
// test lets them through. The progression lead sets up a campaign with no
// quiet hours, starts it, and watches its page: the invitations are queued
// (the mail server has not taken them yet), then sent once it does, one email
// arriving per learner; a learner opens the link in their email and completes
// the survey, and the page counts the completion. On a desktop and at 390 px.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startOnward, launchBrowser, expectNoAxeViolations, signIn, newPage } from './harness.js';
import { startSmtpSink } from './smtp-sink.js';
import { completeSurvey, openCampaignThatEmails } from './journeys.js';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
const shots = new URL('../docs/images/', import.meta.url).pathname;

/** The campaign page's progress counts, by label: { Queued: 12, Sent: 0, … }. */
async function progress(page) {
  const rows = await page.locator('h2:has-text("Progress") + table tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.querySelector('th')?.textContent.trim(), tr.querySelector('td')?.textContent.trim()]),
  );
  return Object.fromEntries(rows);
}

/** Reloads `page` until `done(progress)` holds, or fails after `seconds`. */
async function watch(page, done, what, seconds = 90) {
  const until = Date.now() + seconds * 1000;
  let seen;
  for (;;) {
    await page.reload();
    await page.getByRole('heading', { name: 'Progress', level: 2 }).waitFor();
    seen = await progress(page);
    if (done(seen)) return seen;
    assert.ok(Date.now() < until, `${what} within ${seconds} s; the page shows ${JSON.stringify(seen)}`);
    await page.waitForTimeout(1000);
  }
}

/** The first personal survey link in a message as it arrived (quoted-printable soft breaks undone). */
function surveyLink(message, baseUrl) {
  const raw = message.data.replace(/=\r\n/g, '');
  const plain = raw.match(/https?:\/\/\S+?\/s\/[0-9a-f]{64}/);
  if (plain) return plain[0];
  // A base64 part: decode each block and look again.
  for (const block of raw.split(/\r\n\r\n/)) {
    const text = Buffer.from(block.replace(/\r\n/g, ''), 'base64').toString('utf8');
    const found = text.match(/https?:\/\/\S+?\/s\/[0-9a-f]{64}/);
    if (found) return found[0];
  }
  assert.fail(`no survey link to ${baseUrl} in the message`);
}

for (const backend of backends()) {
  describe(`campaign progress on ${backend}`, () => {
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

    test('the progression lead starts a campaign and watches its emails go out and a learner answer', async () => {
      sink.hold();
      const page = await newPage(browser, { viewport: { width: 1100, height: 800 } });
      await signIn(page, onward.baseUrl, 'progression.lead@northfield.example');
      // The first cohort and checkpoint whose audience the campaign reaches by email.
      const emailed = (await openCampaignThatEmails(page, onward.baseUrl))?.emailed ?? 0;
      assert.ok(emailed > 0, 'a demo cohort has learners the campaign emails');
      await expectNoAxeViolations(page, assert);

      // Send at any hour and on any day, so the test does not depend on the clock.
      await page.getByLabel('Schedule (days after the start)').fill('0, 7, 14');
      await page.getByLabel('Quiet from (hour, 0 to 23)').fill('');
      await page.getByLabel('Quiet until (hour, 0 to 23)').fill('');
      for (const day of await page.locator('input[type="checkbox"][name^="quiet_"]').all()) await day.uncheck();
      if (backend === 'sqlite') {
        await page.evaluate(() => document.activeElement?.blur());
        await page.mouse.move(0, 0);
        await page.screenshot({ path: `${shots}campaign-new.png`, fullPage: true });
      }
      await page.getByRole('button', { name: 'Save campaign' }).click();
      await page.getByRole('heading', { name: /^Campaign \d+: / }).waitFor();
      const campaignUrl = page.url();
      assert.equal(await page.locator('#status').innerText(), 'Draft');
      assert.match(await page.locator('main').innerText(), /Quiet hours\s+None/);
      const draft = await progress(page);
      assert.deepEqual([draft.Queued, draft.Sent], ['0', '0']);
      await expectNoAxeViolations(page, assert);

      // Start: the invitations are planned at once and queued while the mail server holds them.
      await page.getByRole('button', { name: 'Start campaign' }).click();
      await page.getByText('The campaign is running.').waitFor();
      assert.equal(await page.locator('#status').innerText(), 'Running');
      await expectNoAxeViolations(page, assert);
      // Watch the page itself (its address without the one-off "done" message).
      await page.goto(campaignUrl);
      const queued = await watch(page, (seen) => Number(seen.Queued) === emailed, `${emailed} invitations queued`);
      assert.equal(queued.Sent, '0', 'nothing counts as sent before the mail server takes it');
      await expectNoAxeViolations(page, assert);
      const steps = page.locator('#steps tbody tr');
      assert.equal(await steps.count(), 1, 'step 1 (the invitation) is planned');

      // The mail server takes them: the page counts them sent, one email per learner.
      const until = Date.now() + 60_000;
      while (sink.heldCount() === 0) {
        assert.ok(Date.now() < until, 'a message reached the mail server');
        await page.waitForTimeout(200);
      }
      sink.release();
      const sent = await watch(page, (seen) => Number(seen.Sent) === emailed, `${emailed} invitations sent`);
      assert.equal(sent.Queued, '0');
      assert.equal(sink.messages.length, emailed, 'each learner got one email');
      const recipients = new Set(sink.messages.flatMap((message) => message.to));
      assert.equal(recipients.size, emailed, 'to as many different addresses');
      assert.deepEqual(
        await steps.first().locator('td').evaluateAll((tds) => tds.map((td) => td.textContent.trim())),
        ['1', '0', '0', String(emailed), '0', '0'],
      );
      await expectNoAxeViolations(page, assert);

      // A learner opens the link in their email on a phone and completes the survey.
      const learner = await newPage(browser, PHONE);
      await completeSurvey(learner, surveyLink(sink.messages[0], onward.baseUrl), {
        employer: 'Northfield Joinery', assert,
      });
      await learner.close();
      const answered = await watch(
        page,
        (seen) => Number(seen['Completed the survey']) === Number(sent['Completed the survey']) + 1,
        'the completion counted',
      );
      assert.equal(answered['Started the survey'], '1', 'one learner started the survey from a campaign link');
      assert.equal(await page.locator('#completions').count(), 1, 'the completions by day are listed');
      await expectNoAxeViolations(page, assert);
      if (backend === 'sqlite') {
        await page.screenshot({ path: `${shots}campaign-progress.png`, fullPage: true });
      }

      // The same page, and the list of campaigns, on a phone.
      const phone = await newPage(browser, PHONE);
      await signIn(phone, onward.baseUrl, 'progression.lead@northfield.example');
      await phone.goto(campaignUrl);
      await phone.getByRole('heading', { name: 'Progress', level: 2 }).waitFor();
      assert.equal((await progress(phone)).Sent, String(emailed));
      await expectNoAxeViolations(phone, assert);
      const width = await phone.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `no sideways scrolling at 390 px (${width})`);
      await phone.goto(`${onward.baseUrl}/campaigns`);
      await phone.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
      await expectNoAxeViolations(phone, assert);
      await phone.close();
      await page.close();
    });
  });
}
