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
  const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await signIn(phone, onward.baseUrl, 'admin@salt-training.example');
  await phone.screenshot({ path: `${out}cohorts-phone.png`, fullPage: true });
} finally {
  await browser.close();
  await onward.stop();
}
