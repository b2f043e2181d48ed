// Intentions and support for non-progressors in real Chromium with axe checks:
// a tutor records an intention and sees it beside the actual destination; an
// IAG adviser refers an at-risk learner, finds the referral in My work and
// closes it with an outcome; the September Guarantee list.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startOnward, launchBrowser, expectNoAxeViolations, signIn, newPage } from './harness.js';

for (const backend of backends()) {
  describe(`intentions and support on ${backend}`, () => {
    let onward;
    let browser;
    before(async () => {
      onward = await startOnward(backend);
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      await onward?.stop();
    });

    test('a tutor records an intention and sees it beside the actual destination', async () => {
      const page = await newPage(browser);
      await signIn(page, onward.baseUrl, 'tutor@northfield.example');
      await page.goto(`${onward.baseUrl}/learners`);
      await page.locator('tbody tr th a').first().click();
      await page.getByRole('heading', { name: 'Intended and actual destinations' }).waitFor();
      const actual = (await page.locator('p', { hasText: 'Current destination' }).innerText()).replace(/^Current destination:?\s*/, '');
      await page.getByRole('link', { name: 'Record an intention' }).click();
      await page.getByRole('heading', { name: 'Record an intention', level: 1 }).waitFor();
      await expectNoAxeViolations(page, assert);

      await page.getByRole('button', { name: 'Save intention' }).click();
      const summary = page.locator('.govuk-error-summary');
      await summary.waitFor();
      assert.match(await summary.innerText(), /Select when the intention was recorded/);
      assert.match(await page.title(), /^Error: /);
      await expectNoAxeViolations(page, assert);

      await page.getByLabel('Exit', { exact: true }).check();
      await page.getByLabel('What does the learner intend to do?').selectOption('apprenticeship');
      await page.getByLabel('Provider, university or employer (optional)').fill('Aire Logistics');
      await page.getByLabel('Aspiration (optional)').fill('To be an HGV mechanic');
      await page.getByRole('button', { name: 'Save intention' }).click();

      await page.getByRole('heading', { name: 'Intended and actual destinations' }).waitFor();
      const exitRow = page.locator('#intentions + .onward-table-wrapper tbody tr', { hasText: 'Exit' });
      const cells = await exitRow.locator('td').allInnerTexts();
      assert.match(cells[0], /Apprenticeship \(Aire Logistics\)/);
      assert.equal(cells[1].trim(), actual.trim(), 'the actual destination sits beside the intention');
      assert.match(cells[2], /Matches|Same kind|Different|Not known yet/);
      assert.match(await page.locator('main').innerText(), /To be an HGV mechanic/);
      await expectNoAxeViolations(page, assert);
      await page.close();
    });

    test('an IAG adviser refers an at-risk learner, follows it up in My work and closes it', async () => {
      const page = await newPage(browser);
      await signIn(page, onward.baseUrl, 'iag.adviser@salt-training.example');
      await page.getByRole('link', { name: 'Skills Bootcamp: Digital Marketing, Spring 2026' }).click();
      await page.getByRole('link', { name: 'Learners at risk' }).click();
      await page.getByRole('heading', { name: 'Learners at risk', level: 1 }).waitFor();
      await expectNoAxeViolations(page, assert);
      const row = page.locator('tbody tr', { hasText: 'No open referral' }).first();
      await row.locator('th a').click();
      const name = (await page.locator('h1').innerText()).trim();
      await page.getByRole('link', { name: 'Make a referral' }).click();
      await page.getByRole('heading', { name: 'Make a referral', level: 1 }).waitFor();
      await expectNoAxeViolations(page, assert);
      await page.getByLabel('Employability coaching').check();
      assert.match(await page.getByLabel('Owner').locator('option:checked').innerText(), /Sam Okafor/);
      await page.getByLabel('Notes (optional)').fill('Wants help with CV and interviews');
      await page.getByRole('button', { name: 'Save referral' }).click();
      await page.getByRole('heading', { name: 'Support', exact: true }).waitFor();
      assert.match(await page.locator('main').innerText(), /Open referral: Employability coaching/);
      await expectNoAxeViolations(page, assert);

      await page.getByRole('link', { name: 'My work' }).click();
      const referrals = page.locator('table', { has: page.locator('caption', { hasText: 'Referrals to follow up' }) });
      await referrals.waitFor();
      assert.match(await referrals.locator('caption').innerText(), /\d+ open, \d+ due/);
      const mine = referrals.locator('tbody tr', { hasText: name });
      assert.equal(await mine.count(), 1, `one referral for ${name}`);
      assert.match(await mine.innerText(), /Employability coaching/);
      await expectNoAxeViolations(page, assert);
      await mine.getByRole('link', { name: /Record the outcome/ }).click();

      await page.getByRole('heading', { name: 'Record the outcome', level: 1 }).waitFor();
      await expectNoAxeViolations(page, assert);
      await page.getByLabel('Engaged or progressed').check();
      await page.getByLabel('Note (required for "Other")').fill('Started weekly coaching sessions');
      await page.getByRole('button', { name: 'Close referral' }).click();
      await page.getByRole('heading', { name: 'Support log' }).waitFor();
      const log = await page.locator('main').innerText();
      assert.match(log, /Referral closed \(Employability coaching\): Engaged or progressed/);
      assert.match(log, /Started weekly coaching sessions/);
      await expectNoAxeViolations(page, assert);

      await page.getByRole('link', { name: 'My work' }).click();
      await page.getByRole('heading', { name: 'My work', level: 1 }).waitFor();
      assert.equal(await page.locator('tbody tr', { hasText: name }).filter({ hasText: 'Employability coaching' }).count(), 0);
      await page.close();
    });

    test('the September Guarantee list works on a phone', async () => {
      const page = await newPage(browser, { viewport: { width: 390, height: 844 } });
      await signIn(page, onward.baseUrl, 'iag.adviser@northfield.example');
      await page.getByRole('link', { name: 'Year 11 leavers 2026' }).click();
      await page.getByRole('link', { name: 'September Guarantee: learners with no offer' }).click();
      await page.getByRole('heading', { name: 'September Guarantee: learners with no offer', level: 1 }).waitFor();
      const caption = await page.locator('caption', { hasText: 'learners with no offer' }).innerText();
      assert.ok(Number.parseInt(caption, 10) > 0, caption);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
      await expectNoAxeViolations(page, assert);
      await page.close();
    });
  });
}
