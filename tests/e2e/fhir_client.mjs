// A hospital's view of Renkei through a standard FHIR client library (fhir-kit-client from npm):
// capability statement, create, read, vread, history, search with paging, transaction, conditional create,
// versioned update with If-Match, a validation failure and the refusals. Usage: node fhir_client.mjs CLIENT_JS BASE_URL TOKEN OTHER_TOKEN
import assert from 'node:assert/strict';

const [clientJs, baseUrl, token, otherToken] = process.argv.slice(2);
const { Client } = await import(new URL('file://' + clientJs).href);
const client = new Client({ baseUrl, bearerToken: token });
const status = (result) => Client.httpFor(result).response?.status;
const system = 'urn:oid:1.2.392.100495.20.3.51.11312345678';
const patient = (value, family) => ({
  resourceType: 'Patient',
  identifier: [{ system, value }],
  name: [{ family, given: ['ハナコ'] }],
  gender: 'female',
  birthDate: '1942-03-09',
  address: [{ city: '新宿区', state: '東京都' }],
});

const capability = await client.capabilityStatement();
assert.equal(capability.resourceType, 'CapabilityStatement');

const created = await client.create({ resourceType: 'Patient', body: patient('FKC-1', 'レンケイ') });
assert.equal(status(created), 201);
assert.match(created.id, /^m[0-9]{12}-0$/);
const read = await client.read({ resourceType: 'Patient', id: created.id });
assert.equal(read.identifier[0].value, 'FKC-1');
const v1 = await client.vread({ resourceType: 'Patient', id: created.id, version: '1' });
assert.equal(v1.id, created.id);
const history = await client.history({ resourceType: 'Patient', id: created.id });
assert.equal(history.type, 'history');
assert.equal(history.entry[0].resource.id, created.id);

for (let i = 0; i < 3; i++) {
  await client.create({ resourceType: 'Patient', body: patient(`FKC-P${i}`, 'ヤマダ') });
}
let page = await client.search({ resourceType: 'Patient', searchParams: { name: 'やまだ', _count: '2' } });
assert.equal(page.total, 3);
let seen = 0;
while (page) {
  seen += (page.entry ?? []).length;
  page = (await client.nextPage({ bundle: page })) ?? null;
}
assert.equal(seen, 3, 'paging through next links reaches every match');

const tx = await client.transaction({
  body: {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { fullUrl: 'urn:uuid:0b0e8d1c-1f2a-4b3c-8d4e-5f6a7b8c9d0e', resource: patient('FKC-TX', 'レンケイ'),
        request: { method: 'POST', url: 'Patient' } },
      { fullUrl: 'urn:uuid:1c1f9e2d-2a3b-4c4d-9e5f-6a7b8c9d0e1f',
        resource: { resourceType: 'Encounter', status: 'finished',
          class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' },
          subject: { reference: 'urn:uuid:0b0e8d1c-1f2a-4b3c-8d4e-5f6a7b8c9d0e' },
          period: { start: '2026-11-01T10:00:00+09:00', end: '2026-11-20T11:30:00+09:00' } },
        request: { method: 'POST', url: 'Encounter' } },
    ],
  },
});
assert.equal(tx.type, 'transaction-response');
const patientRef = tx.entry[0].response.location.split('/_history')[0];
const encounters = await client.search({ resourceType: 'Encounter', searchParams: { patient: patientRef } });
assert.equal(encounters.total, 1);
assert.equal(encounters.entry[0].resource.subject.reference, patientRef);

const condition = { headers: { 'If-None-Exist': `identifier=${system}|FKC-COND` } };
const first = await client.create({ resourceType: 'Patient', body: patient('FKC-COND', 'レンケイ'), options: condition });
const second = await client.create({ resourceType: 'Patient', body: patient('FKC-COND', 'レンケイ'), options: condition });
assert.equal(status(first), 201);
assert.equal(status(second), 200);
assert.equal(second.id, first.id, 'the conditional create found the first one');

const refused = async (promise, expected) => {
  try {
    await promise;
  } catch (error) {
    const got = error.response?.status ?? error.status ?? Client.httpFor(error)?.response?.status;
    assert.equal(got, expected, `expected ${expected}, got ${got}: ${error.message}`);
    return;
  }
  assert.fail(`expected HTTP ${expected}`);
};
// Update with versions: the client reads, changes and PUTs with If-Match; a stale version is 412.
const current = await client.read({ resourceType: 'Patient', id: created.id });
current.name[0].family = 'レンケイ（更新）';
const updated = await client.update({
  resourceType: 'Patient', id: created.id, body: current,
  options: { headers: { 'If-Match': `W/"${current.meta.versionId}"` } },
});
assert.equal(updated.meta.versionId, '2');
await refused(client.update({
  resourceType: 'Patient', id: created.id, body: current, options: { headers: { 'If-Match': 'W/"1"' } },
}), 412);
const mine = await client.update({ resourceType: 'Patient', id: 'fkc-own-id', body: { ...patient('FKC-OWN', 'ジブン'), id: 'fkc-own-id' } });
assert.equal(mine.id, 'fkc-own-id', 'a client may name its resource');

const invalid = patient('FKC-BAD', 'レンケイ');
invalid.gender = 'woman';
await refused(client.create({ resourceType: 'Patient', body: invalid }), 422);
await refused(new Client({ baseUrl }).read({ resourceType: 'Patient', id: created.id }), 401);
await refused(new Client({ baseUrl, bearerToken: otherToken }).read({ resourceType: 'Patient', id: created.id }), 404);
console.log('fhir-kit-client: capability, create, read, vread, history, search with paging, transaction, ' +
            'conditional create, update with If-Match (412 when stale), 422, 401 and 404 all as a ' +
            'hospital client expects');
