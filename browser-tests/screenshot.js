// Takes screenshots of Onward pages for the user guide: node browser-tests/screenshot.js
import { startOnward, launchBrowser, newPage, signIn } from './harness.js';

const out = new URL('../docs/images/', import.meta.url).pathname;
const onward = await startOnward('sqlite');
const browser = await launchBrowser();
try {
  const page = await newPage(browser, { viewport: { width: 1100, height: 800 } });
  await page.goto(`${onward.baseUrl}/login`);
  await page.screenshot({ path: `${out}sign-in.png` });
  await signIn(page, onward.baseUrl, 'progression.lead@northfield.example');
  await page.getByRole('heading', { name: 'Cohorts', level: 1 }).waitFor();
  await page.screenshot({ path: `${out}cohorts.png`, fullPage: true });
  await page.goto(`${onward.baseUrl}/learners?q=smith`);
  await page.screenshot({ path: `${out}learners.png` });
  await page.locator('tbody tr th a').first().click();
  await page.getByRole('heading', { name: 'Timeline' }).waitFor();
  await page.screenshot({ path: `${out}learner-record.png`, fullPage: true });
  await page.getByRole('link', { name: 'Add a contact detail' }).click();
  await page.getByLabel('Email', { exact: true }).check();
  await page.getByLabel('Email address, phone number or postal address').fill('not-an-email');
  await page.getByRole('button', { name: 'Save contact detail' }).click();
  await page.locator('.govuk-error-summary').waitFor();
  await page.screenshot({ path: `${out}contact-error.png` });
  // Intentions and support (staff guide: intentions, September Guarantee, support).
  const adviser = await newPage(browser, { viewport: { width: 1100, height: 800 } });
  await signIn(adviser, onward.baseUrl, 'iag.adviser@salt-training.example');
  await adviser.getByRole('link', { name: 'Skills Bootcamp: Digital Marketing, Spring 2026' }).click();
  await adviser.getByRole('link', { name: 'Learners at risk' }).click();
  await adviser.screenshot({ path: `${out}at-risk.png` });
  await adviser.locator('tbody tr th a').first().click();
  await adviser.locator('#intentions').scrollIntoViewIfNeeded();
  await adviser.screenshot({ path: `${out}learner-support.png`, fullPage: true, clip: await adviser.locator('#intentions').evaluate(() => {
    const top = document.querySelector('#intentions').getBoundingClientRect().top + window.scrollY - 10;
    const bottom = document.querySelector('.onward-timeline')?.getBoundingClientRect().top + window.scrollY - 60;
    return { x: 0, y: top, width: 1100, height: Math.max(200, bottom - top) };
  }) });
  await adviser.goto(`${onward.baseUrl}/work`);
  await adviser.screenshot({ path: `${out}referrals-work.png` });
  const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await signIn(phone, onward.baseUrl, 'admin@salt-training.example');
  await phone.screenshot({ path: `${out}cohorts-phone.png`, fullPage: true });
} finally {
  await browser.close();
  await onward.stop();
}
