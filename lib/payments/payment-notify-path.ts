/** Where Antom posts PAYMENT_RESULT (the notifications route); a server constant, never user input. */
export const PAYMENT_NOTIFY_PATH = '/api/alipay/notify/payment';
