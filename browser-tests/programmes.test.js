// The Programmes table on a phone: at 390 px it scrolls sideways inside its
// wrapper, which must then be a focusable, named region (axe
// scrollable-region-focusable) so keyboard users can scroll it.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startOnward, launchBrowser, expectNoAxeViolations, signIn, newPage } from './harness.js';

for (const backend of backends()) {
  describe(`programmes on a phone on ${backend}`, () => {
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

    test('the scrolling Programmes table is a focusable region at 390 px', async () => {
      const page = await newPage(browser, { viewport: { width: 390, height: 844 } });
      await signIn(page, onward.baseUrl, 'admin@northfield.example');
      await page.goto(`${onward.baseUrl}/programmes`);
      const region = page.getByRole('region', { name: 'Programmes' });
      await region.waitFor();
      const scrolls = await region.evaluate((element) => element.scrollWidth > element.clientWidth);
      assert.ok(scrolls, 'the table is wider than the phone, so its wrapper scrolls');
      await region.focus();
      assert.equal(await region.evaluate((element) => element === document.activeElement), true);
      await page.keyboard.press('ArrowRight');
      await expectNoAxeViolations(page, assert);
      await page.close();
    });
  });
}
