import { startInProcessServer } from '@coffer/server/testing/in-process-server.js';
const s = await startInProcessServer();
await s.request('POST','sys/auth/approle',{type:'approle'});
let r = await s.request('POST','auth/approle/role/ci',{role_name:'ci', token_policies:'kv-reader'}); console.log(r.status, JSON.stringify(r.body));
r = await s.request('GET','auth/approle/role/ci'); console.log(r.status, JSON.stringify(r.body).slice(0,600));
const rid = (await s.request('GET','auth/approle/role/ci/role-id')).body.data.role_id;
const sid = (await s.request('POST','auth/approle/role/ci/secret-id',{role_name:'ci'})).body.data.secret_id;
r = await s.request('POST','auth/approle/login',{role_id:rid, secret_id:sid},{token:null}); console.log(r.status, JSON.stringify(r.body).slice(0,600));
await s.close();
