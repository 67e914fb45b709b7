import { z } from 'zod';
import { defineRoute, type ApiRoute } from './route';
import * as r from './resources';
import {
  agreementObject,
  authorizationLinkCreate,
  authorizationLinkObject,
  chargeCreate,
  chargeObject,
  customerCreate,
  customerObject,
  emptyBody,
  eventObject,
  idParams,
  listOf,
  listQuery,
  paymentRequestCreate,
  paymentRequestObject,
  refundCreate,
  refundObject,
  scheduleCancel,
  scheduleCreate,
  scheduleObject,
  schedulePause,
  scheduleResume,
} from './schemas';
import { scheduleStatus } from '@/lib/db/schema';

const byCustomer = listQuery.extend({ customer_id: z.uuid({ error: 'must be an id (UUID)' }).optional().describe('Only this customer’s agreements') });
const byAgreement = listQuery.extend({ agreement_id: z.uuid({ error: 'must be an id (UUID)' }).optional().describe('Only this agreement’s charges') });
const bySchedule = listQuery.extend({
  agreement_id: z.uuid({ error: 'must be an id (UUID)' }).optional().describe('Only this agreement’s schedules'),
  status: z.enum(scheduleStatus.enumValues).optional().describe('Only schedules in this status'),
});
const byCharge = listQuery.extend({ charge_id: z.uuid({ error: 'must be an id (UUID)' }).optional().describe('Only this charge’s refunds') });

/**
 * Every merchant-API operation. The route handlers under app/api/v1 serve exactly these (by operationId),
 * and lib/api/openapi.ts generates the OpenAPI document from the same entries, so a schema used to validate
 * a request is the schema the document shows (tests/integration/merchant-api-openapi.test.ts checks both ways).
 */
export const API_ROUTES = {
  createCustomer: defineRoute({ method: 'POST', path: '/v1/customers', operationId: 'createCustomer', summary: 'Create a customer', tag: 'Customers', access: 'write', body: customerCreate, status: 201, response: customerObject, run: (ctx, call) => r.createCustomerHandler(ctx, call) }),
  listCustomers: defineRoute({ method: 'GET', path: '/v1/customers', operationId: 'listCustomers', summary: 'List customers, newest first', tag: 'Customers', access: 'read', query: listQuery, status: 200, response: listOf(customerObject, 'Customer'), run: (ctx, call) => r.listCustomersHandler(ctx, call.query) }),
  getCustomer: defineRoute({ method: 'GET', path: '/v1/customers/{id}', operationId: 'getCustomer', summary: 'Get a customer', tag: 'Customers', access: 'read', params: idParams, status: 200, response: customerObject, run: (ctx, call) => r.getCustomerHandler(ctx, call.params.id) }),

  createAuthorizationLink: defineRoute({ method: 'POST', path: '/v1/authorization_links', operationId: 'createAuthorizationLink', summary: 'Create an authorization link (the response carries the URL for the buyer)', tag: 'Authorization links', access: 'write', body: authorizationLinkCreate, status: 201, response: authorizationLinkObject, run: (ctx, call) => r.createLinkHandler(ctx, call) }),
  getAuthorizationLink: defineRoute({ method: 'GET', path: '/v1/authorization_links/{id}', operationId: 'getAuthorizationLink', summary: 'Get an authorization link', tag: 'Authorization links', access: 'read', params: idParams, status: 200, response: authorizationLinkObject, run: (ctx, call) => r.getLinkHandler(ctx, call.params.id) }),

  listAgreements: defineRoute({ method: 'GET', path: '/v1/agreements', operationId: 'listAgreements', summary: 'List agreements, newest first', tag: 'Agreements', access: 'read', query: byCustomer, status: 200, response: listOf(agreementObject, 'Agreement'), run: (ctx, call) => r.listAgreementsHandler(ctx, call.query) }),
  getAgreement: defineRoute({ method: 'GET', path: '/v1/agreements/{id}', operationId: 'getAgreement', summary: 'Get an agreement', tag: 'Agreements', access: 'read', params: idParams, status: 200, response: agreementObject, run: (ctx, call) => r.getAgreementHandler(ctx, call.params.id) }),
  revokeAgreement: defineRoute({ method: 'POST', path: '/v1/agreements/{id}/revoke', operationId: 'revokeAgreement', summary: 'Revoke an agreement at Antom', tag: 'Agreements', access: 'write', params: idParams, body: emptyBody, status: 200, response: agreementObject, run: (ctx, call) => r.revokeAgreementHandler(ctx, call) }),

  createCharge: defineRoute({ method: 'POST', path: '/v1/charges', operationId: 'createCharge', summary: 'Charge an agreement (a charge intent and its first attempt)', tag: 'Charges', access: 'write', body: chargeCreate, status: 201, response: chargeObject, run: (ctx, call) => r.createChargeHandler(ctx, call) }),
  listCharges: defineRoute({ method: 'GET', path: '/v1/charges', operationId: 'listCharges', summary: 'List charges, newest first', tag: 'Charges', access: 'read', query: byAgreement, status: 200, response: listOf(chargeObject, 'Charge'), run: (ctx, call) => r.listChargesHandler(ctx, call.query) }),
  getCharge: defineRoute({ method: 'GET', path: '/v1/charges/{id}', operationId: 'getCharge', summary: 'Get a charge with its attempts', tag: 'Charges', access: 'read', params: idParams, status: 200, response: chargeObject, run: (ctx, call) => r.getChargeHandler(ctx, call.params.id) }),

  createRefund: defineRoute({ method: 'POST', path: '/v1/refunds', operationId: 'createRefund', summary: 'Refund a succeeded charge, fully or partly', tag: 'Refunds', access: 'write', body: refundCreate, status: 201, response: refundObject, run: (ctx, call) => r.createRefundHandler(ctx, call) }),
  listRefunds: defineRoute({ method: 'GET', path: '/v1/refunds', operationId: 'listRefunds', summary: 'List refunds, newest first', tag: 'Refunds', access: 'read', query: byCharge, status: 200, response: listOf(refundObject, 'Refund'), run: (ctx, call) => r.listRefundsHandler(ctx, call.query) }),
  getRefund: defineRoute({ method: 'GET', path: '/v1/refunds/{id}', operationId: 'getRefund', summary: 'Get a refund', tag: 'Refunds', access: 'read', params: idParams, status: 200, response: refundObject, run: (ctx, call) => r.getRefundHandler(ctx, call.params.id) }),

  createPaymentRequest: defineRoute({ method: 'POST', path: '/v1/payment_requests', operationId: 'createPaymentRequest', summary: 'Ask the buyer to confirm one payment (the response carries the confirm URL)', tag: 'Charges', access: 'write', body: paymentRequestCreate, status: 201, response: paymentRequestObject, run: (ctx, call) => r.createPaymentRequestHandler(ctx, call) }),

  createSchedule: defineRoute({ method: 'POST', path: '/v1/schedules', operationId: 'createSchedule', summary: 'Create a billing schedule on an active agreement', tag: 'Schedules', access: 'write', body: scheduleCreate, status: 201, response: scheduleObject, run: (ctx, call) => r.createScheduleHandler(ctx, call) }),
  listSchedules: defineRoute({ method: 'GET', path: '/v1/schedules', operationId: 'listSchedules', summary: 'List billing schedules, newest first', tag: 'Schedules', access: 'read', query: bySchedule, status: 200, response: listOf(scheduleObject, 'Schedule'), run: (ctx, call) => r.listSchedulesHandler(ctx, call.query) }),
  getSchedule: defineRoute({ method: 'GET', path: '/v1/schedules/{id}', operationId: 'getSchedule', summary: 'Get a billing schedule', tag: 'Schedules', access: 'read', params: idParams, status: 200, response: scheduleObject, run: (ctx, call) => r.getScheduleHandler(ctx, call.params.id) }),
  pauseSchedule: defineRoute({ method: 'POST', path: '/v1/schedules/{id}/pause', operationId: 'pauseSchedule', summary: 'Pause a schedule (no period starts, no retry runs)', tag: 'Schedules', access: 'write', params: idParams, body: schedulePause, status: 200, response: scheduleObject, run: (ctx, call) => r.pauseScheduleHandler(ctx, call) }),
  resumeSchedule: defineRoute({ method: 'POST', path: '/v1/schedules/{id}/resume', operationId: 'resumeSchedule', summary: 'Resume a paused schedule (skipped periods are not billed unless back_bill)', tag: 'Schedules', access: 'write', params: idParams, body: scheduleResume, status: 200, response: scheduleObject, run: (ctx, call) => r.resumeScheduleHandler(ctx, call) }),
  cancelSchedule: defineRoute({ method: 'POST', path: '/v1/schedules/{id}/cancel', operationId: 'cancelSchedule', summary: 'Cancel a schedule now or at the end of the current period', tag: 'Schedules', access: 'write', params: idParams, body: scheduleCancel, status: 200, response: scheduleObject, run: (ctx, call) => r.cancelScheduleHandler(ctx, call) }),

  listEvents: defineRoute({ method: 'GET', path: '/v1/events', operationId: 'listEvents', summary: 'List events (agreement and payment timelines), newest first, for catching up', tag: 'Events', access: 'read', query: listQuery, status: 200, response: listOf(eventObject, 'Event'), run: (ctx, call) => r.listEventsHandler(ctx, call.query) }),
} satisfies Record<string, ApiRoute>;

export type ApiOperationId = keyof typeof API_ROUTES;
