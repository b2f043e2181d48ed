// The call queue in real Chromium with axe checks: a progression lead works
// through the September roll-call queue for three learners with three
// different outcomes, then finds each call on the learner's record; the
// queue also fits a phone's screen.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startOnward, launchBrowser, expectNoAxeViolations, signIn, newPage } from './harness.js';

for (const backend of backends()) {
  describe(`call queue on ${backend}`, () => {
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

    test('a progression lead calls three learners with three outcomes', async () => {
      const page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
      await signIn(page, onward.baseUrl, 'progression.lead@northfield.example');
      await page.getByRole('link', { name: 'My work' }).click();
      await page.getByRole('link', { name: /Call these learners.*September roll-call/ }).click();
      const heading = page.getByRole('heading', { level: 1 });
      await expectNoAxeViolations(page, assert);

      const called = [];
      const outcomes = [
        ['Reached: save', 'Phone call: Reached'],
        ['No answer', 'Phone call: No answer'],
        ['Wrong number', 'Phone call: Wrong number'],
      ];
      for (const [button, timeline] of outcomes) {
        const title = await heading.innerText();
        assert.match(title, /^Call /, 'someone is due a call');
        const name = title.replace(/^Call /, '');
        const record = await page.locator('#learner-record').getAttribute('href');
        assert.ok(!called.some((c) => c.record === record), `${name} is offered once`);
        if (button === 'Reached: save') {
          await page.getByLabel('What they are doing').selectOption('edu_fe_full_time');
          await page.getByLabel('Employer or place of learning').fill('Leeds City College');
          await page.getByLabel('Notes (optional)').fill('Started a Level 3 in September');
        }
        await page.getByRole('button', { name: button, exact: true }).click();
        const banner = page.locator('.govuk-notification-banner');
        await banner.waitFor();
        assert.match(await banner.innerText(), new RegExp(`Call to ${name} saved`));
        await expectNoAxeViolations(page, assert);
        called.push({ name, record, timeline });
      }

      for (const { name, record, timeline } of called) {
        await page.goto(`${onward.baseUrl}${record}`);
        await page.getByRole('heading', { name, level: 1 }).waitFor();
        const text = await page.locator('main').innerText();
        assert.ok(text.includes(timeline), `${name}'s record shows "${timeline}"`);
        if (timeline.endsWith('Reached')) {
          assert.ok(text.includes('Leeds City College'), 'the destination is on the record');
          assert.match(text, /Source: Phone call/);
        }
        await expectNoAxeViolations(page, assert);
      }
      await page.close();
    });

    test('the call queue fits a phone and refuses a destination without reaching them', async () => {
      const page = await newPage(browser, { viewport: { width: 390, height: 844 } });
      await signIn(page, onward.baseUrl, 'progression.lead@salt-training.example');
      await page.goto(`${onward.baseUrl}/work`);
      await page.getByRole('link', { name: /Call these learners.*3–6 month follow-up/ }).click();
      await page.getByRole('heading', { level: 1 }).waitFor();
      await expectNoAxeViolations(page, assert);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
      await page.getByLabel('What they are doing').selectOption('emp_full_time');
      await page.getByRole('button', { name: 'Left voicemail' }).click();
      const summary = page.locator('.govuk-error-summary');
      await summary.waitFor();
      assert.match(await summary.innerText(), /only record what they are doing when you reached them/);
      assert.match(await page.title(), /^Error: /);
      await expectNoAxeViolations(page, assert);
      await page.close();
    });

    for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
      test(`an administrator edits a plan and sees the domain's errors (${label})`, async () => {
        const page = await newPage(browser, { viewport });
        await signIn(page, onward.baseUrl, 'admin@salt-training.example');
        await page.goto(`${onward.baseUrl}/plans`);
        await page.getByRole('heading', { name: 'Tracking plans', level: 1 }).waitFor();
        await expectNoAxeViolations(page, assert);
        await page.getByRole('link', { name: 'Adult provider 5-stage' }).click();
        await page.getByRole('heading', { name: 'Adult provider 5-stage', level: 1 }).waitFor();
        await expectNoAxeViolations(page, assert);
        await page.getByRole('link', { name: /Edit.*12-month sustained check/ }).click();
        await page.getByLabel('Days after it').fill('30');
        await page.getByRole('button', { name: 'Save checkpoint' }).click();
        const summary = page.locator('.govuk-error-summary');
        await summary.waitFor();
        assert.match(await summary.innerText(), /put checkpoints in date order/);
        await expectNoAxeViolations(page, assert);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
        await page.goto(`${onward.baseUrl}/plans/new`);
        await expectNoAxeViolations(page, assert);
        await page.close();
      });
    }
  });
}
