// The learner survey site in real Chromium with axe checks (issue 14,
// done-means 2): a learner completes the 6-month survey in Welsh on a 390 px
// phone, once with JavaScript disabled and once enabled; leaves halfway and
// carries on in a new browser context; and every survey page has no axe
// violations in all six languages. Links are made with `onward survey link`.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { backends, startOnward, launchBrowser, expectNoAxeViolations, newPage } from './harness.js';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
const LANGUAGES = ['en-GB', 'cy', 'es', 'it', 'nl', 'et'];
const shots = new URL('../docs/images/', import.meta.url).pathname;

for (const backend of backends()) {
  describe(`learner surveys on ${backend}`, () => {
    let onward;
    let browser;
    let learnerNumber = 1;
    /** A new personal link (a full URL) for the next demo learner. */
    const newLink = (lang = 'cy', survey = 'follow-up-3-6-month') => {
      const mis = `NFA${String(learnerNumber++).padStart(6, '0')}`;
      const out = onward.capture(
        ['survey', 'link', mis, '--survey', survey, '--lang', lang, '--org', 'northfield-academy'],
        { ONWARD_PUBLIC_URL: onward.baseUrl },
      );
      const link = out.trim().split('\n').pop();
      assert.match(link, /\/s\/[0-9a-f]{64}$/);
      return link;
    };
    before(async () => {
      onward = await startOnward(backend);
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      await onward?.stop();
    });

    const choose = (page, name, value) => page.locator(`input[name="${name}"][value="${value}"]`).check();
    const submit = (page) => page.locator('main button[type="submit"]').click();

    async function completeInWelsh(javaScriptEnabled, screenshots) {
      // axe runs in the page's JavaScript, so it checks these pages in the
      // JavaScript-enabled run (and in every language below), not in this one.
      const checkAxe = javaScriptEnabled ? expectNoAxeViolations : async () => {};
      const link = newLink('cy');
      const page = await newPage(browser, { ...PHONE, javaScriptEnabled });
      await page.goto(link);
      assert.equal(await page.locator('html').getAttribute('lang'), 'cy');
      assert.match(await page.locator('h1').innerText(), /Beth ydych chi’n ei wneud nawr\?/);
      await checkAxe(page, assert);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `no sideways scrolling at 390 px (${width})`);
      await page.getByRole('button', { name: 'Dechrau nawr' }).click();

      // Continue without an answer: the GOV.UK error summary, in Welsh.
      await submit(page);
      await page.locator('.govuk-error-summary').waitFor();
      assert.match(await page.title(), /^Gwall:/);
      await checkAxe(page, assert);
      if (screenshots) await page.screenshot({ path: `${shots}survey-error-phone.png`, fullPage: true });
      await page.getByLabel('Gweithio’n llawn amser (30 awr yr wythnos neu fwy)').check();
      if (screenshots) await page.screenshot({ path: `${shots}survey-question-phone.png`, fullPage: true });
      await page.getByRole('button', { name: 'Yn eich blaen' }).click();

      await page.getByLabel('I bwy ydych chi’n gweithio?').fill('Caffi Cymru');
      await page.getByLabel('Beth yw teitl eich swydd?').fill('Barista');
      await page.getByLabel('Sawl awr yr wythnos ydych chi’n ei gweithio fel arfer? (dewisol)').fill('30');
      await page.locator('#job-start-day').fill('1');
      await page.locator('#job-start-month').fill('9');
      await page.locator('#job-start-year').fill('2099');
      await submit(page);
      await page.locator('.govuk-error-summary').waitFor();
      assert.match(await page.locator('.govuk-error-summary').innerText(), /heddiw neu yn y gorffennol/);
      await checkAxe(page, assert);
      await page.locator('#job-start-year').fill('2026');
      await submit(page);

      await page.getByLabel('Cyfeiriad e-bost (dewisol)').fill('sian@example.com');
      await checkAxe(page, assert);
      await submit(page);
      await choose(page, 'alumni', 'yes');
      await page.getByLabel('Hoffech chi ddweud eich stori wrthym? (dewisol)').fill('Ces i swydd <b>dda</b>');
      await checkAxe(page, assert);
      await submit(page);
      await choose(page, 'optout', 'keep');
      await checkAxe(page, assert);
      await submit(page);

      await page.getByRole('heading', { name: 'Gwiriwch eich atebion', level: 1 }).waitFor();
      const summary = await page.locator('.govuk-summary-list').innerText();
      assert.match(summary, /Caffi Cymru/);
      assert.match(summary, /Ces i swydd <b>dda<\/b>/, 'HTML typed is shown as text');
      await checkAxe(page, assert);
      if (screenshots) await page.screenshot({ path: `${shots}survey-check-phone.png`, fullPage: true });
      await page.getByRole('button', { name: 'Anfon fy atebion' }).click();
      await page.getByRole('heading', { name: 'Atebion wedi’u hanfon', level: 1 }).waitFor();
      await checkAxe(page, assert);
      if (screenshots) await page.screenshot({ path: `${shots}survey-done-phone.png`, fullPage: true });
      // Sent: the link now shows the answers and cannot send them again.
      await page.goto(link);
      await page.getByRole('heading', { name: 'Atebion wedi’u hanfon', level: 1 }).waitFor();
      assert.equal(await page.locator('form').count(), 0);
      await page.close();
    }

    test('a learner completes the 6-month survey in Welsh at 390 px without JavaScript', async () => {
      mkdirSync(shots, { recursive: true });
      await completeInWelsh(false, backend === 'sqlite');
    });

    test('a learner completes the 6-month survey in Welsh at 390 px with JavaScript', async () => {
      await completeInWelsh(true, false);
    });

    test('a learner leaves halfway and carries on in a new browser', async () => {
      const link = newLink('cy');
      const first = await newPage(browser, PHONE);
      await first.goto(link);
      await first.getByRole('button', { name: 'Dechrau nawr' }).click();
      await first.getByLabel('Astudio yn y brifysgol').check();
      await submit(first);
      await first.getByLabel('Ble ydych chi’n astudio?').fill('Prifysgol Bangor');
      await submit(first);
      await first.locator('#email').waitFor();
      await first.close();

      const second = await newPage(browser, PHONE);
      await second.goto(link);
      assert.match(await second.locator('main').innerText(), /Rydych chi eisoes wedi ateb rhai cwestiynau/);
      await expectNoAxeViolations(second, assert);
      await second.getByRole('button', { name: 'Parhau' }).click();
      await second.locator('#email').waitFor();
      await second.getByRole('link', { name: 'Yn ôl' }).click();
      assert.equal(await second.getByLabel('Ble ydych chi’n astudio?').inputValue(), 'Prifysgol Bangor');
      await second.close();
    });

    test('every survey page has no axe violations in all six languages', async () => {
      for (const lang of LANGUAGES) {
        const link = newLink(lang);
        const page = await newPage(browser, PHONE);
        const go = (path) => page.goto(`${link}${path}?lang=${lang}`);
        await go('');
        assert.equal(await page.locator('html').getAttribute('lang'), lang);
        await expectNoAxeViolations(page, assert);
        await go('/p/activity');
        await submit(page);
        await page.locator('.govuk-error-summary').waitFor();
        await expectNoAxeViolations(page, assert);
        for (const [activity, routed] of [
          ['apprenticeship', 'apprenticeship'],
          ['further-education', 'study'],
          ['looking', 'support'],
          ['other', 'other'],
          ['employed-full-time', 'job'],
        ]) {
          await go('/p/activity');
          await choose(page, 'activity', activity);
          await submit(page);
          await page.waitForURL(new RegExp(`/p/${routed}\\?`));
          await submit(page);
          if (routed === 'job') {
            await page.locator('.govuk-error-summary').waitFor();
          }
          await expectNoAxeViolations(page, assert);
        }
        await page.locator('#employer').fill('Acme');
        await page.locator('#job-title').fill('Fitter');
        await submit(page);
        for (const step of ['contact', 'alumni']) {
          await page.waitForURL(new RegExp(`/p/${step}\\?`));
          await expectNoAxeViolations(page, assert);
          await submit(page);
        }
        await page.waitForURL(/\/p\/keep-in-touch\?/);
        await expectNoAxeViolations(page, assert);
        await choose(page, 'optout', 'keep');
        await submit(page);
        await page.waitForURL(/\/check\?/);
        await expectNoAxeViolations(page, assert);
        await submit(page);
        await page.waitForURL(/\/done\?/);
        await expectNoAxeViolations(page, assert);
        // The page for links that do not work, in this language.
        await page.goto(`${onward.baseUrl}/s/${'0'.repeat(64)}?lang=${lang}`);
        assert.equal(await page.locator('html').getAttribute('lang'), lang);
        await expectNoAxeViolations(page, assert);
        await page.close();
      }
    });
  });
}
