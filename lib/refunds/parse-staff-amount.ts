// The one staff amount parser is lib/money/parse-staff-amount.ts (charges and refunds read amounts alike).
export { parseStaffAmount, type StaffAmount } from '@/lib/money/parse-staff-amount';
