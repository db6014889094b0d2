/** The Luhn check (ISO/IEC 7812) that IMEIs and ICCIDs end with. */

/** True when the last digit is the Luhn check digit of the others. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The Luhn check digit to append to `body`. */
export function luhnDigit(body: string): number {
  for (let c = 0; c < 10; c++) if (luhnValid(body + c)) return c;
  return 0;
}
