/** lib/money — bigint minor units with Antom's exponent table (ams-api.md §1.7). */
export {
  CURRENCY_CODES,
  CURRENCY_EXPONENTS,
  CURRENCY_MULTIPLE_OF,
  MAX_MINOR_DIGITS,
  MAX_MINOR_UNITS,
  isCurrencyCode,
  type CurrencyCode,
} from './currency-exponents';
export { isMoneyError, MoneyError, type MoneyErrorCode } from './money-error';
export {
  assertAmount,
  checkAmount,
  compareAmounts,
  compareMoney,
  currencyExponent,
  fromWireValue,
  moneyFromWire,
  moneyToWire,
  parseAmount,
  roundHalfEven,
  toMajorString,
  toWireValue,
  type AmountIssue,
  type AmountRules,
  type Money,
} from './amount';
export { formatAmount, type FormatAmountOptions } from './format-amount';
export { parseStaffAmount, STAFF_AMOUNT_SEPARATORS, type StaffAmount } from './parse-staff-amount';
