// Staff journeys in real Chromium with axe checks: search and open a learner,
// an invalid contact detail, role limits, lockout, and the same on a phone.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startOnward, launchBrowser, expectNoAxeViolations, signIn, newPage } from './harness.js';

for (const backend of backends()) {
  describe(`staff journeys on ${backend}`, () => {
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

    for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
      test(`search, open a learner and add an invalid email (${label})`, async () => {
        const page = await newPage(browser, { viewport });
        await signIn(page, onward.baseUrl, 'iag.adviser@northfield.example');
        await page.goto(`${onward.baseUrl}/learners`);
        await expectNoAxeViolations(page, assert);
        await page.getByLabel('Name, ULN, MIS id or postcode').fill('smith');
        await page.getByRole('button', { name: 'Search' }).click();
        const first = page.locator('tbody tr th a').first();
        const name = await first.innerText();
        assert.match(name, /^Smith, /);
        await expectNoAxeViolations(page, assert);
        await first.click();
        await page.getByRole('heading', { name: 'Timeline' }).waitFor();
        await expectNoAxeViolations(page, assert);
        await page.getByRole('link', { name: 'Edit learner details' }).click();
        await page.getByLabel('ULN').fill('1234567890');
        await page.getByRole('button', { name: 'Save details' }).click();
        assert.match(await page.locator('.govuk-error-summary').innerText(), /ULN check digit is wrong/);
        await expectNoAxeViolations(page, assert);
        await page.goBack();
        await page.goBack();

        await page.getByRole('link', { name: 'Add a contact detail' }).click();
        await page.getByLabel('Email', { exact: true }).check();
        await page.getByLabel('Email address, phone number or postal address').fill('not-an-email');
        await page.getByRole('button', { name: 'Save contact detail' }).click();
        const summary = page.locator('.govuk-error-summary');
        await summary.waitFor();
        assert.match(await summary.innerText(), /Enter an email address in the correct format/);
        assert.match(await page.title(), /^Error: /);
        await expectNoAxeViolations(page, assert);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
        await page.close();
      });
    }

    test('a progression lead sees their due work grouped by checkpoint', async () => {
      const page = await newPage(browser);
      await signIn(page, onward.baseUrl, 'progression.lead@northfield.example');
      await page.getByRole('link', { name: 'My work' }).click();
      await page.getByRole('heading', { name: 'My work', level: 1 }).waitFor();
      const captions = await page.locator('caption').allInnerTexts();
      assert.ok(captions.some((text) => text.startsWith('September roll-call')), captions.join(' | '));
      assert.ok(captions.some((text) => text.startsWith('November activity check')), captions.join(' | '));
      await expectNoAxeViolations(page, assert);
      await page.close();
    });

    test('a tutor records where an unknown learner is from the unknowns list', async () => {
      const page = await newPage(browser);
      await signIn(page, onward.baseUrl, 'tutor@northfield.example');
      await page.getByRole('link', { name: 'Year 11 leavers 2026' }).click();
      await page.getByRole('link', { name: 'Learners whose destination is not known' }).click();
      await page.getByRole('heading', { name: 'Destination not known', level: 1 }).waitFor();
      await expectNoAxeViolations(page, assert);
      const before = await page.locator('.govuk-summary-card').count();
      assert.ok(before > 0, 'the demo has unknowns');
      const card = page.locator('.govuk-summary-card').first();
      await card.getByLabel('What are they doing?').selectOption('apprenticeship');
      await card.getByLabel('How do you know?').selectOption('sibling_peer');
      await card.getByRole('button', { name: /I know where they are/ }).click();
      await page.getByRole('heading', { name: 'Destination not known', level: 1 }).waitFor();
      assert.equal(await page.locator('.govuk-summary-card').count(), before - 1);
      await page.close();
    });

    test('a tutor cannot open user admin', async () => {
      const page = await newPage(browser);
      await signIn(page, onward.baseUrl, 'tutor@northfield.example');
      await page.getByRole('heading', { name: 'Cohorts', level: 1 }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0);
      const response = await page.goto(`${onward.baseUrl}/users`);
      assert.equal(response.status(), 403);
      await page.getByRole('heading', { name: 'You cannot see this page' }).waitFor();
      await expectNoAxeViolations(page, assert);
      await page.close();
    });

    test('an administrator sees users and the cohort page', async () => {
      const page = await newPage(browser);
      await signIn(page, onward.baseUrl, 'admin@northfield.example');
      await page.getByRole('link', { name: 'Users' }).click();
      await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
      await expectNoAxeViolations(page, assert);
      await page.getByRole('link', { name: 'Cohorts' }).click();
      await page.getByRole('link', { name: 'Year 11 leavers 2026' }).click();
      await page.getByRole('heading', { name: 'Year 11 leavers 2026' }).waitFor();
      assert.match(await page.locator('table').innerText(), /Education\s+\d+/);
      await expectNoAxeViolations(page, assert);
      for (const path of ['/settings', '/programmes', '/programmes/new', '/account/password', '/cohorts/new']) {
        await page.goto(`${onward.baseUrl}${path}`);
        await expectNoAxeViolations(page, assert);
      }
      // A bad date shows the error summary, accessibly.
      await page.getByLabel('Name').fill('Year 11 leavers 2027');
      await page.getByLabel('Day').fill('31');
      await page.getByLabel('Month').fill('2');
      await page.getByLabel('Year').fill('2027');
      await page.getByRole('button', { name: 'Save cohort' }).click();
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Results day must be a real date/);
      await expectNoAxeViolations(page, assert);
      await page.close();
    });

    test('five wrong passwords lock the account', async () => {
      const page = await newPage(browser);
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        await signIn(page, onward.baseUrl, 'quality@northfield.example', `wrong ${attempt}`);
        await page.locator('.govuk-error-summary').waitFor();
      }
      // A locked account gets the same answer as a wrong password (nothing
      // tells which accounts exist), and that answer says accounts lock.
      assert.match(await page.locator('.govuk-error-summary').innerText(), /locked for 15 minutes/);
      await signIn(page, onward.baseUrl, 'quality@northfield.example');
      await page.locator('.govuk-error-summary').waitFor();
      assert.match(new URL(page.url()).pathname, /^\/login/, 'the right password is refused while locked');
      assert.match(await page.locator('.govuk-error-summary').innerText(), /locked for 15 minutes/);
      await expectNoAxeViolations(page, assert);
      await page.close();
    });
  });
}
