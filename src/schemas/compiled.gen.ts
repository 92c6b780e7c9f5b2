// GENERATED FILE: do not edit. `npm run schemas:validators` writes it from schemas/ (src/schemas/compile.ts);
// test/schemas-compiled.test.ts fails when it is not current.
// Ajv's standalone validation code: the validators without Ajv's compiler (src/schemas/validators.ts).
// @ts-nocheck
import { createRequire } from 'node:module';

// The generated code require()s Ajv's small runtime helpers and ajv-formats' format checks.
const require = createRequire(import.meta.url);
"use strict";
export const aim_config = validate10;
const schema11 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://aimlock.dev/schemas/aim-config.schema.json","type":"object","additionalProperties":false,"required":["aim","safety","update_window"],"properties":{"aim":{"type":"object","additionalProperties":false,"required":["sensitivity","deadzone_deg","smoothing","max_slew_dps"],"properties":{"sensitivity":{"type":"number","minimum":0.05,"maximum":1},"deadzone_deg":{"type":"number","minimum":0,"maximum":5},"smoothing":{"type":"number","minimum":0,"maximum":0.95},"max_slew_dps":{"type":"number","minimum":1,"maximum":720}}},"safety":{"type":"object","additionalProperties":false,"required":["max_yaw_rate_dps","max_pitch_deg","min_battery_pct","geofence_radius_m","min_separation_m","failsafe"],"properties":{"max_yaw_rate_dps":{"type":"number","minimum":1,"maximum":360},"max_pitch_deg":{"type":"number","minimum":1,"maximum":45},"min_battery_pct":{"type":"integer","minimum":10,"maximum":60},"geofence_radius_m":{"type":"number","minimum":10,"maximum":5000},"min_separation_m":{"type":"number","minimum":1,"maximum":100},"failsafe":{"type":"string","enum":["hover","return_home","land"]}}},"update_window":{"type":"string","enum":["any","hover","grounded"]}}};

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="https://aimlock.dev/schemas/aim-config.schema.json" */;
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.aim === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "aim"},message:"must have required property '"+"aim"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.safety === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "safety"},message:"must have required property '"+"safety"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.update_window === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "update_window"},message:"must have required property '"+"update_window"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
for(const key0 in data){
if(!(((key0 === "aim") || (key0 === "safety")) || (key0 === "update_window"))){
const err3 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.aim !== undefined){
let data0 = data.aim;
if(data0 && typeof data0 == "object" && !Array.isArray(data0)){
if(data0.sensitivity === undefined){
const err4 = {instancePath:instancePath+"/aim",schemaPath:"#/properties/aim/required",keyword:"required",params:{missingProperty: "sensitivity"},message:"must have required property '"+"sensitivity"+"'"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data0.deadzone_deg === undefined){
const err5 = {instancePath:instancePath+"/aim",schemaPath:"#/properties/aim/required",keyword:"required",params:{missingProperty: "deadzone_deg"},message:"must have required property '"+"deadzone_deg"+"'"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data0.smoothing === undefined){
const err6 = {instancePath:instancePath+"/aim",schemaPath:"#/properties/aim/required",keyword:"required",params:{missingProperty: "smoothing"},message:"must have required property '"+"smoothing"+"'"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(data0.max_slew_dps === undefined){
const err7 = {instancePath:instancePath+"/aim",schemaPath:"#/properties/aim/required",keyword:"required",params:{missingProperty: "max_slew_dps"},message:"must have required property '"+"max_slew_dps"+"'"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
for(const key1 in data0){
if(!((((key1 === "sensitivity") || (key1 === "deadzone_deg")) || (key1 === "smoothing")) || (key1 === "max_slew_dps"))){
const err8 = {instancePath:instancePath+"/aim",schemaPath:"#/properties/aim/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data0.sensitivity !== undefined){
let data1 = data0.sensitivity;
if((typeof data1 == "number") && (isFinite(data1))){
if(data1 > 1 || isNaN(data1)){
const err9 = {instancePath:instancePath+"/aim/sensitivity",schemaPath:"#/properties/aim/properties/sensitivity/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(data1 < 0.05 || isNaN(data1)){
const err10 = {instancePath:instancePath+"/aim/sensitivity",schemaPath:"#/properties/aim/properties/sensitivity/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0.05},message:"must be >= 0.05"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
else {
const err11 = {instancePath:instancePath+"/aim/sensitivity",schemaPath:"#/properties/aim/properties/sensitivity/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data0.deadzone_deg !== undefined){
let data2 = data0.deadzone_deg;
if((typeof data2 == "number") && (isFinite(data2))){
if(data2 > 5 || isNaN(data2)){
const err12 = {instancePath:instancePath+"/aim/deadzone_deg",schemaPath:"#/properties/aim/properties/deadzone_deg/maximum",keyword:"maximum",params:{comparison: "<=", limit: 5},message:"must be <= 5"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if(data2 < 0 || isNaN(data2)){
const err13 = {instancePath:instancePath+"/aim/deadzone_deg",schemaPath:"#/properties/aim/properties/deadzone_deg/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
else {
const err14 = {instancePath:instancePath+"/aim/deadzone_deg",schemaPath:"#/properties/aim/properties/deadzone_deg/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data0.smoothing !== undefined){
let data3 = data0.smoothing;
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 > 0.95 || isNaN(data3)){
const err15 = {instancePath:instancePath+"/aim/smoothing",schemaPath:"#/properties/aim/properties/smoothing/maximum",keyword:"maximum",params:{comparison: "<=", limit: 0.95},message:"must be <= 0.95"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
if(data3 < 0 || isNaN(data3)){
const err16 = {instancePath:instancePath+"/aim/smoothing",schemaPath:"#/properties/aim/properties/smoothing/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
else {
const err17 = {instancePath:instancePath+"/aim/smoothing",schemaPath:"#/properties/aim/properties/smoothing/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data0.max_slew_dps !== undefined){
let data4 = data0.max_slew_dps;
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 720 || isNaN(data4)){
const err18 = {instancePath:instancePath+"/aim/max_slew_dps",schemaPath:"#/properties/aim/properties/max_slew_dps/maximum",keyword:"maximum",params:{comparison: "<=", limit: 720},message:"must be <= 720"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
if(data4 < 1 || isNaN(data4)){
const err19 = {instancePath:instancePath+"/aim/max_slew_dps",schemaPath:"#/properties/aim/properties/max_slew_dps/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
else {
const err20 = {instancePath:instancePath+"/aim/max_slew_dps",schemaPath:"#/properties/aim/properties/max_slew_dps/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
}
else {
const err21 = {instancePath:instancePath+"/aim",schemaPath:"#/properties/aim/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
if(data.safety !== undefined){
let data5 = data.safety;
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
if(data5.max_yaw_rate_dps === undefined){
const err22 = {instancePath:instancePath+"/safety",schemaPath:"#/properties/safety/required",keyword:"required",params:{missingProperty: "max_yaw_rate_dps"},message:"must have required property '"+"max_yaw_rate_dps"+"'"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
if(data5.max_pitch_deg === undefined){
const err23 = {instancePath:instancePath+"/safety",schemaPath:"#/properties/safety/required",keyword:"required",params:{missingProperty: "max_pitch_deg"},message:"must have required property '"+"max_pitch_deg"+"'"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
if(data5.min_battery_pct === undefined){
const err24 = {instancePath:instancePath+"/safety",schemaPath:"#/properties/safety/required",keyword:"required",params:{missingProperty: "min_battery_pct"},message:"must have required property '"+"min_battery_pct"+"'"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
if(data5.geofence_radius_m === undefined){
const err25 = {instancePath:instancePath+"/safety",schemaPath:"#/properties/safety/required",keyword:"required",params:{missingProperty: "geofence_radius_m"},message:"must have required property '"+"geofence_radius_m"+"'"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
if(data5.min_separation_m === undefined){
const err26 = {instancePath:instancePath+"/safety",schemaPath:"#/properties/safety/required",keyword:"required",params:{missingProperty: "min_separation_m"},message:"must have required property '"+"min_separation_m"+"'"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
if(data5.failsafe === undefined){
const err27 = {instancePath:instancePath+"/safety",schemaPath:"#/properties/safety/required",keyword:"required",params:{missingProperty: "failsafe"},message:"must have required property '"+"failsafe"+"'"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
for(const key2 in data5){
if(!((((((key2 === "max_yaw_rate_dps") || (key2 === "max_pitch_deg")) || (key2 === "min_battery_pct")) || (key2 === "geofence_radius_m")) || (key2 === "min_separation_m")) || (key2 === "failsafe"))){
const err28 = {instancePath:instancePath+"/safety",schemaPath:"#/properties/safety/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
if(data5.max_yaw_rate_dps !== undefined){
let data6 = data5.max_yaw_rate_dps;
if((typeof data6 == "number") && (isFinite(data6))){
if(data6 > 360 || isNaN(data6)){
const err29 = {instancePath:instancePath+"/safety/max_yaw_rate_dps",schemaPath:"#/properties/safety/properties/max_yaw_rate_dps/maximum",keyword:"maximum",params:{comparison: "<=", limit: 360},message:"must be <= 360"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if(data6 < 1 || isNaN(data6)){
const err30 = {instancePath:instancePath+"/safety/max_yaw_rate_dps",schemaPath:"#/properties/safety/properties/max_yaw_rate_dps/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
else {
const err31 = {instancePath:instancePath+"/safety/max_yaw_rate_dps",schemaPath:"#/properties/safety/properties/max_yaw_rate_dps/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
if(data5.max_pitch_deg !== undefined){
let data7 = data5.max_pitch_deg;
if((typeof data7 == "number") && (isFinite(data7))){
if(data7 > 45 || isNaN(data7)){
const err32 = {instancePath:instancePath+"/safety/max_pitch_deg",schemaPath:"#/properties/safety/properties/max_pitch_deg/maximum",keyword:"maximum",params:{comparison: "<=", limit: 45},message:"must be <= 45"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
if(data7 < 1 || isNaN(data7)){
const err33 = {instancePath:instancePath+"/safety/max_pitch_deg",schemaPath:"#/properties/safety/properties/max_pitch_deg/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
else {
const err34 = {instancePath:instancePath+"/safety/max_pitch_deg",schemaPath:"#/properties/safety/properties/max_pitch_deg/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
if(data5.min_battery_pct !== undefined){
let data8 = data5.min_battery_pct;
if(!(((typeof data8 == "number") && (!(data8 % 1) && !isNaN(data8))) && (isFinite(data8)))){
const err35 = {instancePath:instancePath+"/safety/min_battery_pct",schemaPath:"#/properties/safety/properties/min_battery_pct/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 60 || isNaN(data8)){
const err36 = {instancePath:instancePath+"/safety/min_battery_pct",schemaPath:"#/properties/safety/properties/min_battery_pct/maximum",keyword:"maximum",params:{comparison: "<=", limit: 60},message:"must be <= 60"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
if(data8 < 10 || isNaN(data8)){
const err37 = {instancePath:instancePath+"/safety/min_battery_pct",schemaPath:"#/properties/safety/properties/min_battery_pct/minimum",keyword:"minimum",params:{comparison: ">=", limit: 10},message:"must be >= 10"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
}
if(data5.geofence_radius_m !== undefined){
let data9 = data5.geofence_radius_m;
if((typeof data9 == "number") && (isFinite(data9))){
if(data9 > 5000 || isNaN(data9)){
const err38 = {instancePath:instancePath+"/safety/geofence_radius_m",schemaPath:"#/properties/safety/properties/geofence_radius_m/maximum",keyword:"maximum",params:{comparison: "<=", limit: 5000},message:"must be <= 5000"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
if(data9 < 10 || isNaN(data9)){
const err39 = {instancePath:instancePath+"/safety/geofence_radius_m",schemaPath:"#/properties/safety/properties/geofence_radius_m/minimum",keyword:"minimum",params:{comparison: ">=", limit: 10},message:"must be >= 10"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
else {
const err40 = {instancePath:instancePath+"/safety/geofence_radius_m",schemaPath:"#/properties/safety/properties/geofence_radius_m/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
if(data5.min_separation_m !== undefined){
let data10 = data5.min_separation_m;
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 > 100 || isNaN(data10)){
const err41 = {instancePath:instancePath+"/safety/min_separation_m",schemaPath:"#/properties/safety/properties/min_separation_m/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
if(data10 < 1 || isNaN(data10)){
const err42 = {instancePath:instancePath+"/safety/min_separation_m",schemaPath:"#/properties/safety/properties/min_separation_m/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
else {
const err43 = {instancePath:instancePath+"/safety/min_separation_m",schemaPath:"#/properties/safety/properties/min_separation_m/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
if(data5.failsafe !== undefined){
let data11 = data5.failsafe;
if(typeof data11 !== "string"){
const err44 = {instancePath:instancePath+"/safety/failsafe",schemaPath:"#/properties/safety/properties/failsafe/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
if(!(((data11 === "hover") || (data11 === "return_home")) || (data11 === "land"))){
const err45 = {instancePath:instancePath+"/safety/failsafe",schemaPath:"#/properties/safety/properties/failsafe/enum",keyword:"enum",params:{allowedValues: schema11.properties.safety.properties.failsafe.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
}
else {
const err46 = {instancePath:instancePath+"/safety",schemaPath:"#/properties/safety/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
if(data.update_window !== undefined){
let data12 = data.update_window;
if(typeof data12 !== "string"){
const err47 = {instancePath:instancePath+"/update_window",schemaPath:"#/properties/update_window/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
if(!(((data12 === "any") || (data12 === "hover")) || (data12 === "grounded"))){
const err48 = {instancePath:instancePath+"/update_window",schemaPath:"#/properties/update_window/enum",keyword:"enum",params:{allowedValues: schema11.properties.update_window.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
}
else {
const err49 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}

export const push = validate11;
const schema12 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://aimlock.dev/schemas/push.schema.json","type":"object","additionalProperties":false,"required":["kind","id","device","version","issued_at","config"],"properties":{"kind":{"const":"aimlock.push/v1"},"id":{"type":"string","minLength":1,"maxLength":128,"pattern":"^[A-Za-z0-9._:-]+$"},"device":{"type":"string","minLength":1,"maxLength":128,"pattern":"^[A-Za-z0-9._:-]+$"},"version":{"type":"integer","minimum":1,"maximum":9007199254740991},"issued_at":{"type":"string","format":"date-time"},"expires_at":{"type":"string","format":"date-time"},"rollout":{"type":"string","maxLength":128},"config":{"$ref":"aim-config.schema.json"},"signature":{"type":"object","additionalProperties":false,"required":["alg","key_id","value"],"properties":{"alg":{"const":"ed25519"},"key_id":{"type":"string","pattern":"^[A-Za-z0-9._-]{1,64}$"},"value":{"type":"string","minLength":1,"maxLength":200,"pattern":"^[A-Za-z0-9+/]+={0,2}$"}}}}};
const func2 = Object.prototype.hasOwnProperty;
const func3 = require("ajv/dist/runtime/ucs2length").default;
const pattern0 = new RegExp("^[A-Za-z0-9._:-]+$", "u");
const pattern2 = new RegExp("^[A-Za-z0-9._-]{1,64}$", "u");
const pattern3 = new RegExp("^[A-Za-z0-9+/]+={0,2}$", "u");
const formats0 = require("ajv-formats/dist/formats").fullFormats["date-time"];

function validate11(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="https://aimlock.dev/schemas/push.schema.json" */;
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.kind === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.id === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "id"},message:"must have required property '"+"id"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.device === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "device"},message:"must have required property '"+"device"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.version === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "version"},message:"must have required property '"+"version"+"'"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(data.issued_at === undefined){
const err4 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "issued_at"},message:"must have required property '"+"issued_at"+"'"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data.config === undefined){
const err5 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "config"},message:"must have required property '"+"config"+"'"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
for(const key0 in data){
if(!(func2.call(schema12.properties, key0))){
const err6 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.kind !== undefined){
if("aimlock.push/v1" !== data.kind){
const err7 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "aimlock.push/v1"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.id !== undefined){
let data1 = data.id;
if(typeof data1 === "string"){
if(func3(data1) > 128){
const err8 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if(func3(data1) < 1){
const err9 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(!pattern0.test(data1)){
const err10 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9._:-]+$"},message:"must match pattern \""+"^[A-Za-z0-9._:-]+$"+"\""};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
else {
const err11 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data.device !== undefined){
let data2 = data.device;
if(typeof data2 === "string"){
if(func3(data2) > 128){
const err12 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if(func3(data2) < 1){
const err13 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(!pattern0.test(data2)){
const err14 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9._:-]+$"},message:"must match pattern \""+"^[A-Za-z0-9._:-]+$"+"\""};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
else {
const err15 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.version !== undefined){
let data3 = data.version;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
const err16 = {instancePath:instancePath+"/version",schemaPath:"#/properties/version/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 > 9007199254740991 || isNaN(data3)){
const err17 = {instancePath:instancePath+"/version",schemaPath:"#/properties/version/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(data3 < 1 || isNaN(data3)){
const err18 = {instancePath:instancePath+"/version",schemaPath:"#/properties/version/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
}
if(data.issued_at !== undefined){
let data4 = data.issued_at;
if(typeof data4 === "string"){
if(!(formats0.validate(data4))){
const err19 = {instancePath:instancePath+"/issued_at",schemaPath:"#/properties/issued_at/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
else {
const err20 = {instancePath:instancePath+"/issued_at",schemaPath:"#/properties/issued_at/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data.expires_at !== undefined){
let data5 = data.expires_at;
if(typeof data5 === "string"){
if(!(formats0.validate(data5))){
const err21 = {instancePath:instancePath+"/expires_at",schemaPath:"#/properties/expires_at/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
else {
const err22 = {instancePath:instancePath+"/expires_at",schemaPath:"#/properties/expires_at/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
if(data.rollout !== undefined){
let data6 = data.rollout;
if(typeof data6 === "string"){
if(func3(data6) > 128){
const err23 = {instancePath:instancePath+"/rollout",schemaPath:"#/properties/rollout/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
else {
const err24 = {instancePath:instancePath+"/rollout",schemaPath:"#/properties/rollout/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
if(data.config !== undefined){
let data7 = data.config;
if(data7 && typeof data7 == "object" && !Array.isArray(data7)){
if(data7.aim === undefined){
const err25 = {instancePath:instancePath+"/config",schemaPath:"aim-config.schema.json/required",keyword:"required",params:{missingProperty: "aim"},message:"must have required property '"+"aim"+"'"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
if(data7.safety === undefined){
const err26 = {instancePath:instancePath+"/config",schemaPath:"aim-config.schema.json/required",keyword:"required",params:{missingProperty: "safety"},message:"must have required property '"+"safety"+"'"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
if(data7.update_window === undefined){
const err27 = {instancePath:instancePath+"/config",schemaPath:"aim-config.schema.json/required",keyword:"required",params:{missingProperty: "update_window"},message:"must have required property '"+"update_window"+"'"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
for(const key1 in data7){
if(!(((key1 === "aim") || (key1 === "safety")) || (key1 === "update_window"))){
const err28 = {instancePath:instancePath+"/config",schemaPath:"aim-config.schema.json/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
if(data7.aim !== undefined){
let data8 = data7.aim;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.sensitivity === undefined){
const err29 = {instancePath:instancePath+"/config/aim",schemaPath:"aim-config.schema.json/properties/aim/required",keyword:"required",params:{missingProperty: "sensitivity"},message:"must have required property '"+"sensitivity"+"'"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if(data8.deadzone_deg === undefined){
const err30 = {instancePath:instancePath+"/config/aim",schemaPath:"aim-config.schema.json/properties/aim/required",keyword:"required",params:{missingProperty: "deadzone_deg"},message:"must have required property '"+"deadzone_deg"+"'"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
if(data8.smoothing === undefined){
const err31 = {instancePath:instancePath+"/config/aim",schemaPath:"aim-config.schema.json/properties/aim/required",keyword:"required",params:{missingProperty: "smoothing"},message:"must have required property '"+"smoothing"+"'"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
if(data8.max_slew_dps === undefined){
const err32 = {instancePath:instancePath+"/config/aim",schemaPath:"aim-config.schema.json/properties/aim/required",keyword:"required",params:{missingProperty: "max_slew_dps"},message:"must have required property '"+"max_slew_dps"+"'"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
for(const key2 in data8){
if(!((((key2 === "sensitivity") || (key2 === "deadzone_deg")) || (key2 === "smoothing")) || (key2 === "max_slew_dps"))){
const err33 = {instancePath:instancePath+"/config/aim",schemaPath:"aim-config.schema.json/properties/aim/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
if(data8.sensitivity !== undefined){
let data9 = data8.sensitivity;
if((typeof data9 == "number") && (isFinite(data9))){
if(data9 > 1 || isNaN(data9)){
const err34 = {instancePath:instancePath+"/config/aim/sensitivity",schemaPath:"aim-config.schema.json/properties/aim/properties/sensitivity/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
if(data9 < 0.05 || isNaN(data9)){
const err35 = {instancePath:instancePath+"/config/aim/sensitivity",schemaPath:"aim-config.schema.json/properties/aim/properties/sensitivity/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0.05},message:"must be >= 0.05"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
else {
const err36 = {instancePath:instancePath+"/config/aim/sensitivity",schemaPath:"aim-config.schema.json/properties/aim/properties/sensitivity/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
if(data8.deadzone_deg !== undefined){
let data10 = data8.deadzone_deg;
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 > 5 || isNaN(data10)){
const err37 = {instancePath:instancePath+"/config/aim/deadzone_deg",schemaPath:"aim-config.schema.json/properties/aim/properties/deadzone_deg/maximum",keyword:"maximum",params:{comparison: "<=", limit: 5},message:"must be <= 5"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
if(data10 < 0 || isNaN(data10)){
const err38 = {instancePath:instancePath+"/config/aim/deadzone_deg",schemaPath:"aim-config.schema.json/properties/aim/properties/deadzone_deg/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
else {
const err39 = {instancePath:instancePath+"/config/aim/deadzone_deg",schemaPath:"aim-config.schema.json/properties/aim/properties/deadzone_deg/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
if(data8.smoothing !== undefined){
let data11 = data8.smoothing;
if((typeof data11 == "number") && (isFinite(data11))){
if(data11 > 0.95 || isNaN(data11)){
const err40 = {instancePath:instancePath+"/config/aim/smoothing",schemaPath:"aim-config.schema.json/properties/aim/properties/smoothing/maximum",keyword:"maximum",params:{comparison: "<=", limit: 0.95},message:"must be <= 0.95"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
if(data11 < 0 || isNaN(data11)){
const err41 = {instancePath:instancePath+"/config/aim/smoothing",schemaPath:"aim-config.schema.json/properties/aim/properties/smoothing/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
else {
const err42 = {instancePath:instancePath+"/config/aim/smoothing",schemaPath:"aim-config.schema.json/properties/aim/properties/smoothing/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
if(data8.max_slew_dps !== undefined){
let data12 = data8.max_slew_dps;
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 720 || isNaN(data12)){
const err43 = {instancePath:instancePath+"/config/aim/max_slew_dps",schemaPath:"aim-config.schema.json/properties/aim/properties/max_slew_dps/maximum",keyword:"maximum",params:{comparison: "<=", limit: 720},message:"must be <= 720"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
if(data12 < 1 || isNaN(data12)){
const err44 = {instancePath:instancePath+"/config/aim/max_slew_dps",schemaPath:"aim-config.schema.json/properties/aim/properties/max_slew_dps/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
else {
const err45 = {instancePath:instancePath+"/config/aim/max_slew_dps",schemaPath:"aim-config.schema.json/properties/aim/properties/max_slew_dps/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
}
else {
const err46 = {instancePath:instancePath+"/config/aim",schemaPath:"aim-config.schema.json/properties/aim/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
if(data7.safety !== undefined){
let data13 = data7.safety;
if(data13 && typeof data13 == "object" && !Array.isArray(data13)){
if(data13.max_yaw_rate_dps === undefined){
const err47 = {instancePath:instancePath+"/config/safety",schemaPath:"aim-config.schema.json/properties/safety/required",keyword:"required",params:{missingProperty: "max_yaw_rate_dps"},message:"must have required property '"+"max_yaw_rate_dps"+"'"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
if(data13.max_pitch_deg === undefined){
const err48 = {instancePath:instancePath+"/config/safety",schemaPath:"aim-config.schema.json/properties/safety/required",keyword:"required",params:{missingProperty: "max_pitch_deg"},message:"must have required property '"+"max_pitch_deg"+"'"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
if(data13.min_battery_pct === undefined){
const err49 = {instancePath:instancePath+"/config/safety",schemaPath:"aim-config.schema.json/properties/safety/required",keyword:"required",params:{missingProperty: "min_battery_pct"},message:"must have required property '"+"min_battery_pct"+"'"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
if(data13.geofence_radius_m === undefined){
const err50 = {instancePath:instancePath+"/config/safety",schemaPath:"aim-config.schema.json/properties/safety/required",keyword:"required",params:{missingProperty: "geofence_radius_m"},message:"must have required property '"+"geofence_radius_m"+"'"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
if(data13.min_separation_m === undefined){
const err51 = {instancePath:instancePath+"/config/safety",schemaPath:"aim-config.schema.json/properties/safety/required",keyword:"required",params:{missingProperty: "min_separation_m"},message:"must have required property '"+"min_separation_m"+"'"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
if(data13.failsafe === undefined){
const err52 = {instancePath:instancePath+"/config/safety",schemaPath:"aim-config.schema.json/properties/safety/required",keyword:"required",params:{missingProperty: "failsafe"},message:"must have required property '"+"failsafe"+"'"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
for(const key3 in data13){
if(!((((((key3 === "max_yaw_rate_dps") || (key3 === "max_pitch_deg")) || (key3 === "min_battery_pct")) || (key3 === "geofence_radius_m")) || (key3 === "min_separation_m")) || (key3 === "failsafe"))){
const err53 = {instancePath:instancePath+"/config/safety",schemaPath:"aim-config.schema.json/properties/safety/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
if(data13.max_yaw_rate_dps !== undefined){
let data14 = data13.max_yaw_rate_dps;
if((typeof data14 == "number") && (isFinite(data14))){
if(data14 > 360 || isNaN(data14)){
const err54 = {instancePath:instancePath+"/config/safety/max_yaw_rate_dps",schemaPath:"aim-config.schema.json/properties/safety/properties/max_yaw_rate_dps/maximum",keyword:"maximum",params:{comparison: "<=", limit: 360},message:"must be <= 360"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
if(data14 < 1 || isNaN(data14)){
const err55 = {instancePath:instancePath+"/config/safety/max_yaw_rate_dps",schemaPath:"aim-config.schema.json/properties/safety/properties/max_yaw_rate_dps/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
else {
const err56 = {instancePath:instancePath+"/config/safety/max_yaw_rate_dps",schemaPath:"aim-config.schema.json/properties/safety/properties/max_yaw_rate_dps/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
if(data13.max_pitch_deg !== undefined){
let data15 = data13.max_pitch_deg;
if((typeof data15 == "number") && (isFinite(data15))){
if(data15 > 45 || isNaN(data15)){
const err57 = {instancePath:instancePath+"/config/safety/max_pitch_deg",schemaPath:"aim-config.schema.json/properties/safety/properties/max_pitch_deg/maximum",keyword:"maximum",params:{comparison: "<=", limit: 45},message:"must be <= 45"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
if(data15 < 1 || isNaN(data15)){
const err58 = {instancePath:instancePath+"/config/safety/max_pitch_deg",schemaPath:"aim-config.schema.json/properties/safety/properties/max_pitch_deg/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
else {
const err59 = {instancePath:instancePath+"/config/safety/max_pitch_deg",schemaPath:"aim-config.schema.json/properties/safety/properties/max_pitch_deg/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
}
if(data13.min_battery_pct !== undefined){
let data16 = data13.min_battery_pct;
if(!(((typeof data16 == "number") && (!(data16 % 1) && !isNaN(data16))) && (isFinite(data16)))){
const err60 = {instancePath:instancePath+"/config/safety/min_battery_pct",schemaPath:"aim-config.schema.json/properties/safety/properties/min_battery_pct/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
if((typeof data16 == "number") && (isFinite(data16))){
if(data16 > 60 || isNaN(data16)){
const err61 = {instancePath:instancePath+"/config/safety/min_battery_pct",schemaPath:"aim-config.schema.json/properties/safety/properties/min_battery_pct/maximum",keyword:"maximum",params:{comparison: "<=", limit: 60},message:"must be <= 60"};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
if(data16 < 10 || isNaN(data16)){
const err62 = {instancePath:instancePath+"/config/safety/min_battery_pct",schemaPath:"aim-config.schema.json/properties/safety/properties/min_battery_pct/minimum",keyword:"minimum",params:{comparison: ">=", limit: 10},message:"must be >= 10"};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
}
if(data13.geofence_radius_m !== undefined){
let data17 = data13.geofence_radius_m;
if((typeof data17 == "number") && (isFinite(data17))){
if(data17 > 5000 || isNaN(data17)){
const err63 = {instancePath:instancePath+"/config/safety/geofence_radius_m",schemaPath:"aim-config.schema.json/properties/safety/properties/geofence_radius_m/maximum",keyword:"maximum",params:{comparison: "<=", limit: 5000},message:"must be <= 5000"};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
if(data17 < 10 || isNaN(data17)){
const err64 = {instancePath:instancePath+"/config/safety/geofence_radius_m",schemaPath:"aim-config.schema.json/properties/safety/properties/geofence_radius_m/minimum",keyword:"minimum",params:{comparison: ">=", limit: 10},message:"must be >= 10"};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
}
else {
const err65 = {instancePath:instancePath+"/config/safety/geofence_radius_m",schemaPath:"aim-config.schema.json/properties/safety/properties/geofence_radius_m/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
}
if(data13.min_separation_m !== undefined){
let data18 = data13.min_separation_m;
if((typeof data18 == "number") && (isFinite(data18))){
if(data18 > 100 || isNaN(data18)){
const err66 = {instancePath:instancePath+"/config/safety/min_separation_m",schemaPath:"aim-config.schema.json/properties/safety/properties/min_separation_m/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100"};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
if(data18 < 1 || isNaN(data18)){
const err67 = {instancePath:instancePath+"/config/safety/min_separation_m",schemaPath:"aim-config.schema.json/properties/safety/properties/min_separation_m/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
}
else {
const err68 = {instancePath:instancePath+"/config/safety/min_separation_m",schemaPath:"aim-config.schema.json/properties/safety/properties/min_separation_m/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
}
if(data13.failsafe !== undefined){
let data19 = data13.failsafe;
if(typeof data19 !== "string"){
const err69 = {instancePath:instancePath+"/config/safety/failsafe",schemaPath:"aim-config.schema.json/properties/safety/properties/failsafe/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
if(!(((data19 === "hover") || (data19 === "return_home")) || (data19 === "land"))){
const err70 = {instancePath:instancePath+"/config/safety/failsafe",schemaPath:"aim-config.schema.json/properties/safety/properties/failsafe/enum",keyword:"enum",params:{allowedValues: schema11.properties.safety.properties.failsafe.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
}
}
else {
const err71 = {instancePath:instancePath+"/config/safety",schemaPath:"aim-config.schema.json/properties/safety/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
}
if(data7.update_window !== undefined){
let data20 = data7.update_window;
if(typeof data20 !== "string"){
const err72 = {instancePath:instancePath+"/config/update_window",schemaPath:"aim-config.schema.json/properties/update_window/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
if(!(((data20 === "any") || (data20 === "hover")) || (data20 === "grounded"))){
const err73 = {instancePath:instancePath+"/config/update_window",schemaPath:"aim-config.schema.json/properties/update_window/enum",keyword:"enum",params:{allowedValues: schema11.properties.update_window.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
}
}
else {
const err74 = {instancePath:instancePath+"/config",schemaPath:"aim-config.schema.json/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
}
if(data.signature !== undefined){
let data21 = data.signature;
if(data21 && typeof data21 == "object" && !Array.isArray(data21)){
if(data21.alg === undefined){
const err75 = {instancePath:instancePath+"/signature",schemaPath:"#/properties/signature/required",keyword:"required",params:{missingProperty: "alg"},message:"must have required property '"+"alg"+"'"};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
if(data21.key_id === undefined){
const err76 = {instancePath:instancePath+"/signature",schemaPath:"#/properties/signature/required",keyword:"required",params:{missingProperty: "key_id"},message:"must have required property '"+"key_id"+"'"};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
if(data21.value === undefined){
const err77 = {instancePath:instancePath+"/signature",schemaPath:"#/properties/signature/required",keyword:"required",params:{missingProperty: "value"},message:"must have required property '"+"value"+"'"};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
for(const key4 in data21){
if(!(((key4 === "alg") || (key4 === "key_id")) || (key4 === "value"))){
const err78 = {instancePath:instancePath+"/signature",schemaPath:"#/properties/signature/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
}
if(data21.alg !== undefined){
if("ed25519" !== data21.alg){
const err79 = {instancePath:instancePath+"/signature/alg",schemaPath:"#/properties/signature/properties/alg/const",keyword:"const",params:{allowedValue: "ed25519"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
}
if(data21.key_id !== undefined){
let data23 = data21.key_id;
if(typeof data23 === "string"){
if(!pattern2.test(data23)){
const err80 = {instancePath:instancePath+"/signature/key_id",schemaPath:"#/properties/signature/properties/key_id/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9._-]{1,64}$"},message:"must match pattern \""+"^[A-Za-z0-9._-]{1,64}$"+"\""};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
}
else {
const err81 = {instancePath:instancePath+"/signature/key_id",schemaPath:"#/properties/signature/properties/key_id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
}
if(data21.value !== undefined){
let data24 = data21.value;
if(typeof data24 === "string"){
if(func3(data24) > 200){
const err82 = {instancePath:instancePath+"/signature/value",schemaPath:"#/properties/signature/properties/value/maxLength",keyword:"maxLength",params:{limit: 200},message:"must NOT have more than 200 characters"};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
if(func3(data24) < 1){
const err83 = {instancePath:instancePath+"/signature/value",schemaPath:"#/properties/signature/properties/value/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
if(!pattern3.test(data24)){
const err84 = {instancePath:instancePath+"/signature/value",schemaPath:"#/properties/signature/properties/value/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9+/]+={0,2}$"},message:"must match pattern \""+"^[A-Za-z0-9+/]+={0,2}$"+"\""};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
}
else {
const err85 = {instancePath:instancePath+"/signature/value",schemaPath:"#/properties/signature/properties/value/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
}
}
else {
const err86 = {instancePath:instancePath+"/signature",schemaPath:"#/properties/signature/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
}
}
else {
const err87 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err87];
}
else {
vErrors.push(err87);
}
errors++;
}
validate11.errors = vErrors;
return errors === 0;
}

export const result = validate12;
const schema14 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://aimlock.dev/schemas/result.schema.json","type":"object","additionalProperties":false,"required":["kind","device","id","version","status","code","detail","ts"],"properties":{"kind":{"const":"aimlock.result/v1"},"device":{"type":"string","pattern":"^[A-Za-z0-9._-]{1,64}$"},"id":{"type":"string","maxLength":128},"version":{"type":["integer","null"]},"rollout":{"type":"string","maxLength":128},"status":{"type":"string","enum":["applied","rejected","duplicate","superseded","deferred"]},"code":{"type":"string","enum":["ok","duplicate","superseded","deferred_update_window","invalid_json","too_large","schema_invalid","wrong_device","expired","stale_version","signature_missing","signature_invalid","unknown_key","limits_exceeded","hold","lock_hot","lock_mismatch","apply_failed","rolled_back","apply_incomplete","limits_unreadable","keys_unreadable","capability_missing"]},"detail":{"type":"string","maxLength":2000},"errors":{"type":"array","maxItems":100,"items":{"type":"object","additionalProperties":false,"required":["path","message"],"properties":{"path":{"type":"string"},"message":{"type":"string"}}}},"lock":{"type":"object","additionalProperties":true,"required":["verdict"],"properties":{"verdict":{"type":"string","enum":["FREE","HELD","HUNG","STALE","DETACHED","UNOWNED","CLEARED"]},"generation":{"type":["integer","null"],"minimum":0}}},"config_sha256":{"type":"string","pattern":"^[0-9a-f]{64}$"},"ts":{"type":"string","format":"date-time"}}};
const pattern5 = new RegExp("^[0-9a-f]{64}$", "u");

function validate12(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="https://aimlock.dev/schemas/result.schema.json" */;
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.kind === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.device === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "device"},message:"must have required property '"+"device"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.id === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "id"},message:"must have required property '"+"id"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.version === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "version"},message:"must have required property '"+"version"+"'"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(data.status === undefined){
const err4 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "status"},message:"must have required property '"+"status"+"'"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data.code === undefined){
const err5 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "code"},message:"must have required property '"+"code"+"'"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data.detail === undefined){
const err6 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "detail"},message:"must have required property '"+"detail"+"'"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(data.ts === undefined){
const err7 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "ts"},message:"must have required property '"+"ts"+"'"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
for(const key0 in data){
if(!(func2.call(schema14.properties, key0))){
const err8 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data.kind !== undefined){
if("aimlock.result/v1" !== data.kind){
const err9 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "aimlock.result/v1"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data.device !== undefined){
let data1 = data.device;
if(typeof data1 === "string"){
if(!pattern2.test(data1)){
const err10 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9._-]{1,64}$"},message:"must match pattern \""+"^[A-Za-z0-9._-]{1,64}$"+"\""};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
else {
const err11 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data.id !== undefined){
let data2 = data.id;
if(typeof data2 === "string"){
if(func3(data2) > 128){
const err12 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.version !== undefined){
let data3 = data.version;
if((!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))) && (data3 !== null)){
const err14 = {instancePath:instancePath+"/version",schemaPath:"#/properties/version/type",keyword:"type",params:{type: schema14.properties.version.type},message:"must be integer,null"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data.rollout !== undefined){
let data4 = data.rollout;
if(typeof data4 === "string"){
if(func3(data4) > 128){
const err15 = {instancePath:instancePath+"/rollout",schemaPath:"#/properties/rollout/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
else {
const err16 = {instancePath:instancePath+"/rollout",schemaPath:"#/properties/rollout/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
if(data.status !== undefined){
let data5 = data.status;
if(typeof data5 !== "string"){
const err17 = {instancePath:instancePath+"/status",schemaPath:"#/properties/status/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(!(((((data5 === "applied") || (data5 === "rejected")) || (data5 === "duplicate")) || (data5 === "superseded")) || (data5 === "deferred"))){
const err18 = {instancePath:instancePath+"/status",schemaPath:"#/properties/status/enum",keyword:"enum",params:{allowedValues: schema14.properties.status.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
if(data.code !== undefined){
let data6 = data.code;
if(typeof data6 !== "string"){
const err19 = {instancePath:instancePath+"/code",schemaPath:"#/properties/code/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
if(!(((((((((((((((((((((((data6 === "ok") || (data6 === "duplicate")) || (data6 === "superseded")) || (data6 === "deferred_update_window")) || (data6 === "invalid_json")) || (data6 === "too_large")) || (data6 === "schema_invalid")) || (data6 === "wrong_device")) || (data6 === "expired")) || (data6 === "stale_version")) || (data6 === "signature_missing")) || (data6 === "signature_invalid")) || (data6 === "unknown_key")) || (data6 === "limits_exceeded")) || (data6 === "hold")) || (data6 === "lock_hot")) || (data6 === "lock_mismatch")) || (data6 === "apply_failed")) || (data6 === "rolled_back")) || (data6 === "apply_incomplete")) || (data6 === "limits_unreadable")) || (data6 === "keys_unreadable")) || (data6 === "capability_missing"))){
const err20 = {instancePath:instancePath+"/code",schemaPath:"#/properties/code/enum",keyword:"enum",params:{allowedValues: schema14.properties.code.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data.detail !== undefined){
let data7 = data.detail;
if(typeof data7 === "string"){
if(func3(data7) > 2000){
const err21 = {instancePath:instancePath+"/detail",schemaPath:"#/properties/detail/maxLength",keyword:"maxLength",params:{limit: 2000},message:"must NOT have more than 2000 characters"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
else {
const err22 = {instancePath:instancePath+"/detail",schemaPath:"#/properties/detail/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
if(data.errors !== undefined){
let data8 = data.errors;
if(Array.isArray(data8)){
if(data8.length > 100){
const err23 = {instancePath:instancePath+"/errors",schemaPath:"#/properties/errors/maxItems",keyword:"maxItems",params:{limit: 100},message:"must NOT have more than 100 items"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
const len0 = data8.length;
for(let i0=0; i0<len0; i0++){
let data9 = data8[i0];
if(data9 && typeof data9 == "object" && !Array.isArray(data9)){
if(data9.path === undefined){
const err24 = {instancePath:instancePath+"/errors/" + i0,schemaPath:"#/properties/errors/items/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
if(data9.message === undefined){
const err25 = {instancePath:instancePath+"/errors/" + i0,schemaPath:"#/properties/errors/items/required",keyword:"required",params:{missingProperty: "message"},message:"must have required property '"+"message"+"'"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
for(const key1 in data9){
if(!((key1 === "path") || (key1 === "message"))){
const err26 = {instancePath:instancePath+"/errors/" + i0,schemaPath:"#/properties/errors/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
if(data9.path !== undefined){
if(typeof data9.path !== "string"){
const err27 = {instancePath:instancePath+"/errors/" + i0+"/path",schemaPath:"#/properties/errors/items/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
if(data9.message !== undefined){
if(typeof data9.message !== "string"){
const err28 = {instancePath:instancePath+"/errors/" + i0+"/message",schemaPath:"#/properties/errors/items/properties/message/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
}
else {
const err29 = {instancePath:instancePath+"/errors/" + i0,schemaPath:"#/properties/errors/items/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
}
else {
const err30 = {instancePath:instancePath+"/errors",schemaPath:"#/properties/errors/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
if(data.lock !== undefined){
let data12 = data.lock;
if(data12 && typeof data12 == "object" && !Array.isArray(data12)){
if(data12.verdict === undefined){
const err31 = {instancePath:instancePath+"/lock",schemaPath:"#/properties/lock/required",keyword:"required",params:{missingProperty: "verdict"},message:"must have required property '"+"verdict"+"'"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
if(data12.verdict !== undefined){
let data13 = data12.verdict;
if(typeof data13 !== "string"){
const err32 = {instancePath:instancePath+"/lock/verdict",schemaPath:"#/properties/lock/properties/verdict/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
if(!(((((((data13 === "FREE") || (data13 === "HELD")) || (data13 === "HUNG")) || (data13 === "STALE")) || (data13 === "DETACHED")) || (data13 === "UNOWNED")) || (data13 === "CLEARED"))){
const err33 = {instancePath:instancePath+"/lock/verdict",schemaPath:"#/properties/lock/properties/verdict/enum",keyword:"enum",params:{allowedValues: schema14.properties.lock.properties.verdict.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
if(data12.generation !== undefined){
let data14 = data12.generation;
if((!(((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14))) && (isFinite(data14)))) && (data14 !== null)){
const err34 = {instancePath:instancePath+"/lock/generation",schemaPath:"#/properties/lock/properties/generation/type",keyword:"type",params:{type: schema14.properties.lock.properties.generation.type},message:"must be integer,null"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
if((typeof data14 == "number") && (isFinite(data14))){
if(data14 < 0 || isNaN(data14)){
const err35 = {instancePath:instancePath+"/lock/generation",schemaPath:"#/properties/lock/properties/generation/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
}
}
else {
const err36 = {instancePath:instancePath+"/lock",schemaPath:"#/properties/lock/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
if(data.config_sha256 !== undefined){
let data15 = data.config_sha256;
if(typeof data15 === "string"){
if(!pattern5.test(data15)){
const err37 = {instancePath:instancePath+"/config_sha256",schemaPath:"#/properties/config_sha256/pattern",keyword:"pattern",params:{pattern: "^[0-9a-f]{64}$"},message:"must match pattern \""+"^[0-9a-f]{64}$"+"\""};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
else {
const err38 = {instancePath:instancePath+"/config_sha256",schemaPath:"#/properties/config_sha256/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
if(data.ts !== undefined){
let data16 = data.ts;
if(typeof data16 === "string"){
if(!(formats0.validate(data16))){
const err39 = {instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
else {
const err40 = {instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
}
else {
const err41 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
validate12.errors = vErrors;
return errors === 0;
}

export const telemetry = validate13;
const schema15 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://aimlock.dev/schemas/telemetry.schema.json","type":"object","additionalProperties":true,"required":["kind","event","device","ts"],"properties":{"kind":{"const":"aimlock.telemetry/v1"},"event":{"type":"string","enum":["lock_mismatch","lock_reclaimed","lock_force_released","hold","resume","apply_hook_failed"]},"device":{"type":"string","pattern":"^[A-Za-z0-9._-]{1,64}$"},"ts":{"type":"string","format":"date-time"}},"if":{"properties":{"event":{"const":"lock_mismatch"}},"required":["event"]},"then":{"required":["file","state","verdict","lock_bit","owner","kernel_holders"],"properties":{"file":{"type":"string","minLength":1},"state":{"const":"HOT"},"verdict":{"type":"string","enum":["HUNG","STALE","DETACHED","UNOWNED","CLEARED"]},"lock_bit":{"enum":[0,1,null]},"owner":{"type":["object","null"]},"kernel_holders":{"type":"array","items":{"type":"object"}}}}};

function validate13(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="https://aimlock.dev/schemas/telemetry.schema.json" */;
let vErrors = null;
let errors = 0;
const _errs1 = errors;
let valid0 = true;
const _errs2 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((data.event === undefined) && (missing0 = "event")){
const err0 = {};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
else {
if(data.event !== undefined){
if("lock_mismatch" !== data.event){
const err1 = {};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
}
}
var _valid0 = _errs2 === errors;
errors = _errs1;
if(vErrors !== null){
if(_errs1){
vErrors.length = _errs1;
}
else {
vErrors = null;
}
}
if(_valid0){
const _errs4 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.file === undefined){
const err2 = {instancePath,schemaPath:"#/then/required",keyword:"required",params:{missingProperty: "file"},message:"must have required property '"+"file"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.state === undefined){
const err3 = {instancePath,schemaPath:"#/then/required",keyword:"required",params:{missingProperty: "state"},message:"must have required property '"+"state"+"'"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(data.verdict === undefined){
const err4 = {instancePath,schemaPath:"#/then/required",keyword:"required",params:{missingProperty: "verdict"},message:"must have required property '"+"verdict"+"'"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data.lock_bit === undefined){
const err5 = {instancePath,schemaPath:"#/then/required",keyword:"required",params:{missingProperty: "lock_bit"},message:"must have required property '"+"lock_bit"+"'"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data.owner === undefined){
const err6 = {instancePath,schemaPath:"#/then/required",keyword:"required",params:{missingProperty: "owner"},message:"must have required property '"+"owner"+"'"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(data.kernel_holders === undefined){
const err7 = {instancePath,schemaPath:"#/then/required",keyword:"required",params:{missingProperty: "kernel_holders"},message:"must have required property '"+"kernel_holders"+"'"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(data.file !== undefined){
let data1 = data.file;
if(typeof data1 === "string"){
if(func3(data1) < 1){
const err8 = {instancePath:instancePath+"/file",schemaPath:"#/then/properties/file/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
else {
const err9 = {instancePath:instancePath+"/file",schemaPath:"#/then/properties/file/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data.state !== undefined){
if("HOT" !== data.state){
const err10 = {instancePath:instancePath+"/state",schemaPath:"#/then/properties/state/const",keyword:"const",params:{allowedValue: "HOT"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.verdict !== undefined){
let data3 = data.verdict;
if(typeof data3 !== "string"){
const err11 = {instancePath:instancePath+"/verdict",schemaPath:"#/then/properties/verdict/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if(!(((((data3 === "HUNG") || (data3 === "STALE")) || (data3 === "DETACHED")) || (data3 === "UNOWNED")) || (data3 === "CLEARED"))){
const err12 = {instancePath:instancePath+"/verdict",schemaPath:"#/then/properties/verdict/enum",keyword:"enum",params:{allowedValues: schema15.then.properties.verdict.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data.lock_bit !== undefined){
let data4 = data.lock_bit;
if(!(((data4 === 0) || (data4 === 1)) || (data4 === null))){
const err13 = {instancePath:instancePath+"/lock_bit",schemaPath:"#/then/properties/lock_bit/enum",keyword:"enum",params:{allowedValues: schema15.then.properties.lock_bit.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.owner !== undefined){
let data5 = data.owner;
if((!(data5 && typeof data5 == "object" && !Array.isArray(data5))) && (data5 !== null)){
const err14 = {instancePath:instancePath+"/owner",schemaPath:"#/then/properties/owner/type",keyword:"type",params:{type: schema15.then.properties.owner.type},message:"must be object,null"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data.kernel_holders !== undefined){
let data6 = data.kernel_holders;
if(Array.isArray(data6)){
const len0 = data6.length;
for(let i0=0; i0<len0; i0++){
let data7 = data6[i0];
if(!(data7 && typeof data7 == "object" && !Array.isArray(data7))){
const err15 = {instancePath:instancePath+"/kernel_holders/" + i0,schemaPath:"#/then/properties/kernel_holders/items/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
}
else {
const err16 = {instancePath:instancePath+"/kernel_holders",schemaPath:"#/then/properties/kernel_holders/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
}
var _valid0 = _errs4 === errors;
valid0 = _valid0;
}
if(!valid0){
const err17 = {instancePath,schemaPath:"#/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.kind === undefined){
const err18 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
if(data.event === undefined){
const err19 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "event"},message:"must have required property '"+"event"+"'"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
if(data.device === undefined){
const err20 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "device"},message:"must have required property '"+"device"+"'"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
if(data.ts === undefined){
const err21 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "ts"},message:"must have required property '"+"ts"+"'"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
if(data.kind !== undefined){
if("aimlock.telemetry/v1" !== data.kind){
const err22 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "aimlock.telemetry/v1"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
if(data.event !== undefined){
let data9 = data.event;
if(typeof data9 !== "string"){
const err23 = {instancePath:instancePath+"/event",schemaPath:"#/properties/event/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
if(!((((((data9 === "lock_mismatch") || (data9 === "lock_reclaimed")) || (data9 === "lock_force_released")) || (data9 === "hold")) || (data9 === "resume")) || (data9 === "apply_hook_failed"))){
const err24 = {instancePath:instancePath+"/event",schemaPath:"#/properties/event/enum",keyword:"enum",params:{allowedValues: schema15.properties.event.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
if(data.device !== undefined){
let data10 = data.device;
if(typeof data10 === "string"){
if(!pattern2.test(data10)){
const err25 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9._-]{1,64}$"},message:"must match pattern \""+"^[A-Za-z0-9._-]{1,64}$"+"\""};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
else {
const err26 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
if(data.ts !== undefined){
let data11 = data.ts;
if(typeof data11 === "string"){
if(!(formats0.validate(data11))){
const err27 = {instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
else {
const err28 = {instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
}
else {
const err29 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
validate13.errors = vErrors;
return errors === 0;
}

export const status = validate14;
const schema16 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://aimlock.dev/schemas/status.schema.json","type":"object","additionalProperties":false,"required":["kind","device","state","applied","lock","agent_version","ts"],"properties":{"kind":{"const":"aimlock.status/v1"},"device":{"type":"string","pattern":"^[A-Za-z0-9._-]{1,64}$"},"state":{"type":"string","enum":["online","hold","offline"]},"applied":{"type":["object","null"],"additionalProperties":false,"required":["id","version","sha256"],"properties":{"id":{"type":"string","maxLength":128},"version":{"type":"integer","minimum":0},"sha256":{"type":"string","pattern":"^[0-9a-f]{64}$"}}},"lock":{"type":["object","null"],"additionalProperties":true,"required":["verdict"],"properties":{"verdict":{"type":"string","enum":["FREE","HELD","HUNG","STALE","DETACHED","UNOWNED","CLEARED"]}}},"agent_version":{"type":"string","maxLength":64},"desired":{"type":["object","null"],"additionalProperties":false,"required":["id","version","code"],"properties":{"id":{"type":"string","maxLength":128},"version":{"type":"integer","minimum":0},"code":{"type":"string","maxLength":64}}},"last_result":{"type":["object","null"],"additionalProperties":false,"required":["id","version","status","code","ts"],"properties":{"id":{"type":"string","maxLength":128},"version":{"type":["integer","null"]},"status":{"type":"string","enum":["applied","rejected","deferred"]},"code":{"type":"string","maxLength":64},"ts":{"type":"string","format":"date-time"}}},"ts":{"type":"string","format":"date-time"}}};

function validate14(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="https://aimlock.dev/schemas/status.schema.json" */;
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.kind === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.device === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "device"},message:"must have required property '"+"device"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.state === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "state"},message:"must have required property '"+"state"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.applied === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "applied"},message:"must have required property '"+"applied"+"'"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(data.lock === undefined){
const err4 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "lock"},message:"must have required property '"+"lock"+"'"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data.agent_version === undefined){
const err5 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "agent_version"},message:"must have required property '"+"agent_version"+"'"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data.ts === undefined){
const err6 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "ts"},message:"must have required property '"+"ts"+"'"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
for(const key0 in data){
if(!(func2.call(schema16.properties, key0))){
const err7 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.kind !== undefined){
if("aimlock.status/v1" !== data.kind){
const err8 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "aimlock.status/v1"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data.device !== undefined){
let data1 = data.device;
if(typeof data1 === "string"){
if(!pattern2.test(data1)){
const err9 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9._-]{1,64}$"},message:"must match pattern \""+"^[A-Za-z0-9._-]{1,64}$"+"\""};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
else {
const err10 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.state !== undefined){
let data2 = data.state;
if(typeof data2 !== "string"){
const err11 = {instancePath:instancePath+"/state",schemaPath:"#/properties/state/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if(!(((data2 === "online") || (data2 === "hold")) || (data2 === "offline"))){
const err12 = {instancePath:instancePath+"/state",schemaPath:"#/properties/state/enum",keyword:"enum",params:{allowedValues: schema16.properties.state.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data.applied !== undefined){
let data3 = data.applied;
if((!(data3 && typeof data3 == "object" && !Array.isArray(data3))) && (data3 !== null)){
const err13 = {instancePath:instancePath+"/applied",schemaPath:"#/properties/applied/type",keyword:"type",params:{type: schema16.properties.applied.type},message:"must be object,null"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(data3 && typeof data3 == "object" && !Array.isArray(data3)){
if(data3.id === undefined){
const err14 = {instancePath:instancePath+"/applied",schemaPath:"#/properties/applied/required",keyword:"required",params:{missingProperty: "id"},message:"must have required property '"+"id"+"'"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if(data3.version === undefined){
const err15 = {instancePath:instancePath+"/applied",schemaPath:"#/properties/applied/required",keyword:"required",params:{missingProperty: "version"},message:"must have required property '"+"version"+"'"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
if(data3.sha256 === undefined){
const err16 = {instancePath:instancePath+"/applied",schemaPath:"#/properties/applied/required",keyword:"required",params:{missingProperty: "sha256"},message:"must have required property '"+"sha256"+"'"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
for(const key1 in data3){
if(!(((key1 === "id") || (key1 === "version")) || (key1 === "sha256"))){
const err17 = {instancePath:instancePath+"/applied",schemaPath:"#/properties/applied/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data3.id !== undefined){
let data4 = data3.id;
if(typeof data4 === "string"){
if(func3(data4) > 128){
const err18 = {instancePath:instancePath+"/applied/id",schemaPath:"#/properties/applied/properties/id/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/applied/id",schemaPath:"#/properties/applied/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data3.version !== undefined){
let data5 = data3.version;
if(!(((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5))) && (isFinite(data5)))){
const err20 = {instancePath:instancePath+"/applied/version",schemaPath:"#/properties/applied/properties/version/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 < 0 || isNaN(data5)){
const err21 = {instancePath:instancePath+"/applied/version",schemaPath:"#/properties/applied/properties/version/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
}
if(data3.sha256 !== undefined){
let data6 = data3.sha256;
if(typeof data6 === "string"){
if(!pattern5.test(data6)){
const err22 = {instancePath:instancePath+"/applied/sha256",schemaPath:"#/properties/applied/properties/sha256/pattern",keyword:"pattern",params:{pattern: "^[0-9a-f]{64}$"},message:"must match pattern \""+"^[0-9a-f]{64}$"+"\""};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
else {
const err23 = {instancePath:instancePath+"/applied/sha256",schemaPath:"#/properties/applied/properties/sha256/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
}
}
if(data.lock !== undefined){
let data7 = data.lock;
if((!(data7 && typeof data7 == "object" && !Array.isArray(data7))) && (data7 !== null)){
const err24 = {instancePath:instancePath+"/lock",schemaPath:"#/properties/lock/type",keyword:"type",params:{type: schema16.properties.lock.type},message:"must be object,null"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
if(data7 && typeof data7 == "object" && !Array.isArray(data7)){
if(data7.verdict === undefined){
const err25 = {instancePath:instancePath+"/lock",schemaPath:"#/properties/lock/required",keyword:"required",params:{missingProperty: "verdict"},message:"must have required property '"+"verdict"+"'"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
if(data7.verdict !== undefined){
let data8 = data7.verdict;
if(typeof data8 !== "string"){
const err26 = {instancePath:instancePath+"/lock/verdict",schemaPath:"#/properties/lock/properties/verdict/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
if(!(((((((data8 === "FREE") || (data8 === "HELD")) || (data8 === "HUNG")) || (data8 === "STALE")) || (data8 === "DETACHED")) || (data8 === "UNOWNED")) || (data8 === "CLEARED"))){
const err27 = {instancePath:instancePath+"/lock/verdict",schemaPath:"#/properties/lock/properties/verdict/enum",keyword:"enum",params:{allowedValues: schema16.properties.lock.properties.verdict.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
}
}
if(data.agent_version !== undefined){
let data9 = data.agent_version;
if(typeof data9 === "string"){
if(func3(data9) > 64){
const err28 = {instancePath:instancePath+"/agent_version",schemaPath:"#/properties/agent_version/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
else {
const err29 = {instancePath:instancePath+"/agent_version",schemaPath:"#/properties/agent_version/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
if(data.desired !== undefined){
let data10 = data.desired;
if((!(data10 && typeof data10 == "object" && !Array.isArray(data10))) && (data10 !== null)){
const err30 = {instancePath:instancePath+"/desired",schemaPath:"#/properties/desired/type",keyword:"type",params:{type: schema16.properties.desired.type},message:"must be object,null"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
if(data10 && typeof data10 == "object" && !Array.isArray(data10)){
if(data10.id === undefined){
const err31 = {instancePath:instancePath+"/desired",schemaPath:"#/properties/desired/required",keyword:"required",params:{missingProperty: "id"},message:"must have required property '"+"id"+"'"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
if(data10.version === undefined){
const err32 = {instancePath:instancePath+"/desired",schemaPath:"#/properties/desired/required",keyword:"required",params:{missingProperty: "version"},message:"must have required property '"+"version"+"'"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
if(data10.code === undefined){
const err33 = {instancePath:instancePath+"/desired",schemaPath:"#/properties/desired/required",keyword:"required",params:{missingProperty: "code"},message:"must have required property '"+"code"+"'"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
for(const key2 in data10){
if(!(((key2 === "id") || (key2 === "version")) || (key2 === "code"))){
const err34 = {instancePath:instancePath+"/desired",schemaPath:"#/properties/desired/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
if(data10.id !== undefined){
let data11 = data10.id;
if(typeof data11 === "string"){
if(func3(data11) > 128){
const err35 = {instancePath:instancePath+"/desired/id",schemaPath:"#/properties/desired/properties/id/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
else {
const err36 = {instancePath:instancePath+"/desired/id",schemaPath:"#/properties/desired/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
if(data10.version !== undefined){
let data12 = data10.version;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
const err37 = {instancePath:instancePath+"/desired/version",schemaPath:"#/properties/desired/properties/version/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 < 0 || isNaN(data12)){
const err38 = {instancePath:instancePath+"/desired/version",schemaPath:"#/properties/desired/properties/version/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
}
if(data10.code !== undefined){
let data13 = data10.code;
if(typeof data13 === "string"){
if(func3(data13) > 64){
const err39 = {instancePath:instancePath+"/desired/code",schemaPath:"#/properties/desired/properties/code/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
else {
const err40 = {instancePath:instancePath+"/desired/code",schemaPath:"#/properties/desired/properties/code/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
}
}
if(data.last_result !== undefined){
let data14 = data.last_result;
if((!(data14 && typeof data14 == "object" && !Array.isArray(data14))) && (data14 !== null)){
const err41 = {instancePath:instancePath+"/last_result",schemaPath:"#/properties/last_result/type",keyword:"type",params:{type: schema16.properties.last_result.type},message:"must be object,null"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
if(data14 && typeof data14 == "object" && !Array.isArray(data14)){
if(data14.id === undefined){
const err42 = {instancePath:instancePath+"/last_result",schemaPath:"#/properties/last_result/required",keyword:"required",params:{missingProperty: "id"},message:"must have required property '"+"id"+"'"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
if(data14.version === undefined){
const err43 = {instancePath:instancePath+"/last_result",schemaPath:"#/properties/last_result/required",keyword:"required",params:{missingProperty: "version"},message:"must have required property '"+"version"+"'"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
if(data14.status === undefined){
const err44 = {instancePath:instancePath+"/last_result",schemaPath:"#/properties/last_result/required",keyword:"required",params:{missingProperty: "status"},message:"must have required property '"+"status"+"'"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
if(data14.code === undefined){
const err45 = {instancePath:instancePath+"/last_result",schemaPath:"#/properties/last_result/required",keyword:"required",params:{missingProperty: "code"},message:"must have required property '"+"code"+"'"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
if(data14.ts === undefined){
const err46 = {instancePath:instancePath+"/last_result",schemaPath:"#/properties/last_result/required",keyword:"required",params:{missingProperty: "ts"},message:"must have required property '"+"ts"+"'"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
for(const key3 in data14){
if(!(((((key3 === "id") || (key3 === "version")) || (key3 === "status")) || (key3 === "code")) || (key3 === "ts"))){
const err47 = {instancePath:instancePath+"/last_result",schemaPath:"#/properties/last_result/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
}
if(data14.id !== undefined){
let data15 = data14.id;
if(typeof data15 === "string"){
if(func3(data15) > 128){
const err48 = {instancePath:instancePath+"/last_result/id",schemaPath:"#/properties/last_result/properties/id/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
else {
const err49 = {instancePath:instancePath+"/last_result/id",schemaPath:"#/properties/last_result/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
if(data14.version !== undefined){
let data16 = data14.version;
if((!(((typeof data16 == "number") && (!(data16 % 1) && !isNaN(data16))) && (isFinite(data16)))) && (data16 !== null)){
const err50 = {instancePath:instancePath+"/last_result/version",schemaPath:"#/properties/last_result/properties/version/type",keyword:"type",params:{type: schema16.properties.last_result.properties.version.type},message:"must be integer,null"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
}
if(data14.status !== undefined){
let data17 = data14.status;
if(typeof data17 !== "string"){
const err51 = {instancePath:instancePath+"/last_result/status",schemaPath:"#/properties/last_result/properties/status/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
if(!(((data17 === "applied") || (data17 === "rejected")) || (data17 === "deferred"))){
const err52 = {instancePath:instancePath+"/last_result/status",schemaPath:"#/properties/last_result/properties/status/enum",keyword:"enum",params:{allowedValues: schema16.properties.last_result.properties.status.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
}
if(data14.code !== undefined){
let data18 = data14.code;
if(typeof data18 === "string"){
if(func3(data18) > 64){
const err53 = {instancePath:instancePath+"/last_result/code",schemaPath:"#/properties/last_result/properties/code/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
else {
const err54 = {instancePath:instancePath+"/last_result/code",schemaPath:"#/properties/last_result/properties/code/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
}
if(data14.ts !== undefined){
let data19 = data14.ts;
if(typeof data19 === "string"){
if(!(formats0.validate(data19))){
const err55 = {instancePath:instancePath+"/last_result/ts",schemaPath:"#/properties/last_result/properties/ts/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
else {
const err56 = {instancePath:instancePath+"/last_result/ts",schemaPath:"#/properties/last_result/properties/ts/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
}
}
if(data.ts !== undefined){
let data20 = data.ts;
if(typeof data20 === "string"){
if(!(formats0.validate(data20))){
const err57 = {instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
}
else {
const err58 = {instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
}
else {
const err59 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
validate14.errors = vErrors;
return errors === 0;
}

export const agent_settings = validate15;
const schema17 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://aimlock.dev/schemas/agent-settings.schema.json","type":"object","additionalProperties":false,"required":["device","fleet"],"properties":{"device":{"type":"string","pattern":"^[A-Za-z0-9._-]{1,64}$"},"fleet":{"type":"string","pattern":"^[A-Za-z0-9._-]{1,64}$"},"broker":{"type":"object","additionalProperties":false,"properties":{"url":{"type":"string","pattern":"^mqtts?://"},"username":{"type":["string","null"]},"password_file":{"type":["string","null"],"minLength":1},"ca_file":{"type":["string","null"],"minLength":1},"cert_file":{"type":["string","null"],"minLength":1},"key_file":{"type":["string","null"],"minLength":1},"keepalive_s":{"type":"integer","minimum":0,"maximum":65535}}},"paths":{"type":"object","additionalProperties":false,"properties":{"config":{"type":"string","minLength":1},"state_dir":{"type":"string","minLength":1},"limits":{"type":"string","minLength":1},"keys_dir":{"type":"string","minLength":1},"socket":{"type":"string","minLength":1},"vehicle_state":{"type":"string","minLength":1}}},"lock":{"type":"object","additionalProperties":false,"properties":{"wait_ms":{"type":"integer","minimum":0,"maximum":600000},"heartbeat_ms":{"type":"integer","minimum":10,"maximum":3600000},"heartbeat_ttl_ms":{"type":"integer","minimum":1,"maximum":86400000},"gc_interval_ms":{"type":"integer","minimum":100,"maximum":86400000},"auto_reclaim":{"type":"string","enum":["always","boot","never"]}}},"require_signature":{"type":"boolean"},"apply_hook":{"type":"object","additionalProperties":false,"properties":{"command":{"type":"array","maxItems":64,"items":{"type":"string","minLength":1}},"timeout_ms":{"type":"integer","minimum":1,"maximum":3600000}}},"history_size":{"type":"integer","minimum":1,"maximum":100},"topic_prefix":{"type":"string","pattern":"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$"},"log_level":{"type":"string","enum":["fatal","error","warn","info","debug","trace"]}}};
const pattern11 = new RegExp("^mqtts?://", "u");
const pattern12 = new RegExp("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", "u");

function validate15(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="https://aimlock.dev/schemas/agent-settings.schema.json" */;
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.device === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "device"},message:"must have required property '"+"device"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.fleet === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "fleet"},message:"must have required property '"+"fleet"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
for(const key0 in data){
if(!(func2.call(schema17.properties, key0))){
const err2 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.device !== undefined){
let data0 = data.device;
if(typeof data0 === "string"){
if(!pattern2.test(data0)){
const err3 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9._-]{1,64}$"},message:"must match pattern \""+"^[A-Za-z0-9._-]{1,64}$"+"\""};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
else {
const err4 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.fleet !== undefined){
let data1 = data.fleet;
if(typeof data1 === "string"){
if(!pattern2.test(data1)){
const err5 = {instancePath:instancePath+"/fleet",schemaPath:"#/properties/fleet/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9._-]{1,64}$"},message:"must match pattern \""+"^[A-Za-z0-9._-]{1,64}$"+"\""};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
else {
const err6 = {instancePath:instancePath+"/fleet",schemaPath:"#/properties/fleet/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.broker !== undefined){
let data2 = data.broker;
if(data2 && typeof data2 == "object" && !Array.isArray(data2)){
for(const key1 in data2){
if(!(((((((key1 === "url") || (key1 === "username")) || (key1 === "password_file")) || (key1 === "ca_file")) || (key1 === "cert_file")) || (key1 === "key_file")) || (key1 === "keepalive_s"))){
const err7 = {instancePath:instancePath+"/broker",schemaPath:"#/properties/broker/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data2.url !== undefined){
let data3 = data2.url;
if(typeof data3 === "string"){
if(!pattern11.test(data3)){
const err8 = {instancePath:instancePath+"/broker/url",schemaPath:"#/properties/broker/properties/url/pattern",keyword:"pattern",params:{pattern: "^mqtts?://"},message:"must match pattern \""+"^mqtts?://"+"\""};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
else {
const err9 = {instancePath:instancePath+"/broker/url",schemaPath:"#/properties/broker/properties/url/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data2.username !== undefined){
let data4 = data2.username;
if((typeof data4 !== "string") && (data4 !== null)){
const err10 = {instancePath:instancePath+"/broker/username",schemaPath:"#/properties/broker/properties/username/type",keyword:"type",params:{type: schema17.properties.broker.properties.username.type},message:"must be string,null"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data2.password_file !== undefined){
let data5 = data2.password_file;
if((typeof data5 !== "string") && (data5 !== null)){
const err11 = {instancePath:instancePath+"/broker/password_file",schemaPath:"#/properties/broker/properties/password_file/type",keyword:"type",params:{type: schema17.properties.broker.properties.password_file.type},message:"must be string,null"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if(typeof data5 === "string"){
if(func3(data5) < 1){
const err12 = {instancePath:instancePath+"/broker/password_file",schemaPath:"#/properties/broker/properties/password_file/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
}
if(data2.ca_file !== undefined){
let data6 = data2.ca_file;
if((typeof data6 !== "string") && (data6 !== null)){
const err13 = {instancePath:instancePath+"/broker/ca_file",schemaPath:"#/properties/broker/properties/ca_file/type",keyword:"type",params:{type: schema17.properties.broker.properties.ca_file.type},message:"must be string,null"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(typeof data6 === "string"){
if(func3(data6) < 1){
const err14 = {instancePath:instancePath+"/broker/ca_file",schemaPath:"#/properties/broker/properties/ca_file/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
if(data2.cert_file !== undefined){
let data7 = data2.cert_file;
if((typeof data7 !== "string") && (data7 !== null)){
const err15 = {instancePath:instancePath+"/broker/cert_file",schemaPath:"#/properties/broker/properties/cert_file/type",keyword:"type",params:{type: schema17.properties.broker.properties.cert_file.type},message:"must be string,null"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
if(typeof data7 === "string"){
if(func3(data7) < 1){
const err16 = {instancePath:instancePath+"/broker/cert_file",schemaPath:"#/properties/broker/properties/cert_file/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
}
if(data2.key_file !== undefined){
let data8 = data2.key_file;
if((typeof data8 !== "string") && (data8 !== null)){
const err17 = {instancePath:instancePath+"/broker/key_file",schemaPath:"#/properties/broker/properties/key_file/type",keyword:"type",params:{type: schema17.properties.broker.properties.key_file.type},message:"must be string,null"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(typeof data8 === "string"){
if(func3(data8) < 1){
const err18 = {instancePath:instancePath+"/broker/key_file",schemaPath:"#/properties/broker/properties/key_file/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
}
if(data2.keepalive_s !== undefined){
let data9 = data2.keepalive_s;
if(!(((typeof data9 == "number") && (!(data9 % 1) && !isNaN(data9))) && (isFinite(data9)))){
const err19 = {instancePath:instancePath+"/broker/keepalive_s",schemaPath:"#/properties/broker/properties/keepalive_s/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
if((typeof data9 == "number") && (isFinite(data9))){
if(data9 > 65535 || isNaN(data9)){
const err20 = {instancePath:instancePath+"/broker/keepalive_s",schemaPath:"#/properties/broker/properties/keepalive_s/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
if(data9 < 0 || isNaN(data9)){
const err21 = {instancePath:instancePath+"/broker/keepalive_s",schemaPath:"#/properties/broker/properties/keepalive_s/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
}
}
else {
const err22 = {instancePath:instancePath+"/broker",schemaPath:"#/properties/broker/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
if(data.paths !== undefined){
let data10 = data.paths;
if(data10 && typeof data10 == "object" && !Array.isArray(data10)){
for(const key2 in data10){
if(!((((((key2 === "config") || (key2 === "state_dir")) || (key2 === "limits")) || (key2 === "keys_dir")) || (key2 === "socket")) || (key2 === "vehicle_state"))){
const err23 = {instancePath:instancePath+"/paths",schemaPath:"#/properties/paths/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
if(data10.config !== undefined){
let data11 = data10.config;
if(typeof data11 === "string"){
if(func3(data11) < 1){
const err24 = {instancePath:instancePath+"/paths/config",schemaPath:"#/properties/paths/properties/config/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
else {
const err25 = {instancePath:instancePath+"/paths/config",schemaPath:"#/properties/paths/properties/config/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
if(data10.state_dir !== undefined){
let data12 = data10.state_dir;
if(typeof data12 === "string"){
if(func3(data12) < 1){
const err26 = {instancePath:instancePath+"/paths/state_dir",schemaPath:"#/properties/paths/properties/state_dir/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
else {
const err27 = {instancePath:instancePath+"/paths/state_dir",schemaPath:"#/properties/paths/properties/state_dir/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
if(data10.limits !== undefined){
let data13 = data10.limits;
if(typeof data13 === "string"){
if(func3(data13) < 1){
const err28 = {instancePath:instancePath+"/paths/limits",schemaPath:"#/properties/paths/properties/limits/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
else {
const err29 = {instancePath:instancePath+"/paths/limits",schemaPath:"#/properties/paths/properties/limits/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
if(data10.keys_dir !== undefined){
let data14 = data10.keys_dir;
if(typeof data14 === "string"){
if(func3(data14) < 1){
const err30 = {instancePath:instancePath+"/paths/keys_dir",schemaPath:"#/properties/paths/properties/keys_dir/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
else {
const err31 = {instancePath:instancePath+"/paths/keys_dir",schemaPath:"#/properties/paths/properties/keys_dir/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
if(data10.socket !== undefined){
let data15 = data10.socket;
if(typeof data15 === "string"){
if(func3(data15) < 1){
const err32 = {instancePath:instancePath+"/paths/socket",schemaPath:"#/properties/paths/properties/socket/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
else {
const err33 = {instancePath:instancePath+"/paths/socket",schemaPath:"#/properties/paths/properties/socket/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
if(data10.vehicle_state !== undefined){
let data16 = data10.vehicle_state;
if(typeof data16 === "string"){
if(func3(data16) < 1){
const err34 = {instancePath:instancePath+"/paths/vehicle_state",schemaPath:"#/properties/paths/properties/vehicle_state/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
else {
const err35 = {instancePath:instancePath+"/paths/vehicle_state",schemaPath:"#/properties/paths/properties/vehicle_state/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
}
else {
const err36 = {instancePath:instancePath+"/paths",schemaPath:"#/properties/paths/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
if(data.lock !== undefined){
let data17 = data.lock;
if(data17 && typeof data17 == "object" && !Array.isArray(data17)){
for(const key3 in data17){
if(!(((((key3 === "wait_ms") || (key3 === "heartbeat_ms")) || (key3 === "heartbeat_ttl_ms")) || (key3 === "gc_interval_ms")) || (key3 === "auto_reclaim"))){
const err37 = {instancePath:instancePath+"/lock",schemaPath:"#/properties/lock/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
if(data17.wait_ms !== undefined){
let data18 = data17.wait_ms;
if(!(((typeof data18 == "number") && (!(data18 % 1) && !isNaN(data18))) && (isFinite(data18)))){
const err38 = {instancePath:instancePath+"/lock/wait_ms",schemaPath:"#/properties/lock/properties/wait_ms/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
if((typeof data18 == "number") && (isFinite(data18))){
if(data18 > 600000 || isNaN(data18)){
const err39 = {instancePath:instancePath+"/lock/wait_ms",schemaPath:"#/properties/lock/properties/wait_ms/maximum",keyword:"maximum",params:{comparison: "<=", limit: 600000},message:"must be <= 600000"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
if(data18 < 0 || isNaN(data18)){
const err40 = {instancePath:instancePath+"/lock/wait_ms",schemaPath:"#/properties/lock/properties/wait_ms/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
}
if(data17.heartbeat_ms !== undefined){
let data19 = data17.heartbeat_ms;
if(!(((typeof data19 == "number") && (!(data19 % 1) && !isNaN(data19))) && (isFinite(data19)))){
const err41 = {instancePath:instancePath+"/lock/heartbeat_ms",schemaPath:"#/properties/lock/properties/heartbeat_ms/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
if((typeof data19 == "number") && (isFinite(data19))){
if(data19 > 3600000 || isNaN(data19)){
const err42 = {instancePath:instancePath+"/lock/heartbeat_ms",schemaPath:"#/properties/lock/properties/heartbeat_ms/maximum",keyword:"maximum",params:{comparison: "<=", limit: 3600000},message:"must be <= 3600000"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
if(data19 < 10 || isNaN(data19)){
const err43 = {instancePath:instancePath+"/lock/heartbeat_ms",schemaPath:"#/properties/lock/properties/heartbeat_ms/minimum",keyword:"minimum",params:{comparison: ">=", limit: 10},message:"must be >= 10"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
}
if(data17.heartbeat_ttl_ms !== undefined){
let data20 = data17.heartbeat_ttl_ms;
if(!(((typeof data20 == "number") && (!(data20 % 1) && !isNaN(data20))) && (isFinite(data20)))){
const err44 = {instancePath:instancePath+"/lock/heartbeat_ttl_ms",schemaPath:"#/properties/lock/properties/heartbeat_ttl_ms/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
if((typeof data20 == "number") && (isFinite(data20))){
if(data20 > 86400000 || isNaN(data20)){
const err45 = {instancePath:instancePath+"/lock/heartbeat_ttl_ms",schemaPath:"#/properties/lock/properties/heartbeat_ttl_ms/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400000},message:"must be <= 86400000"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
if(data20 < 1 || isNaN(data20)){
const err46 = {instancePath:instancePath+"/lock/heartbeat_ttl_ms",schemaPath:"#/properties/lock/properties/heartbeat_ttl_ms/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
}
if(data17.gc_interval_ms !== undefined){
let data21 = data17.gc_interval_ms;
if(!(((typeof data21 == "number") && (!(data21 % 1) && !isNaN(data21))) && (isFinite(data21)))){
const err47 = {instancePath:instancePath+"/lock/gc_interval_ms",schemaPath:"#/properties/lock/properties/gc_interval_ms/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
if((typeof data21 == "number") && (isFinite(data21))){
if(data21 > 86400000 || isNaN(data21)){
const err48 = {instancePath:instancePath+"/lock/gc_interval_ms",schemaPath:"#/properties/lock/properties/gc_interval_ms/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400000},message:"must be <= 86400000"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
if(data21 < 100 || isNaN(data21)){
const err49 = {instancePath:instancePath+"/lock/gc_interval_ms",schemaPath:"#/properties/lock/properties/gc_interval_ms/minimum",keyword:"minimum",params:{comparison: ">=", limit: 100},message:"must be >= 100"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
}
if(data17.auto_reclaim !== undefined){
let data22 = data17.auto_reclaim;
if(typeof data22 !== "string"){
const err50 = {instancePath:instancePath+"/lock/auto_reclaim",schemaPath:"#/properties/lock/properties/auto_reclaim/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
if(!(((data22 === "always") || (data22 === "boot")) || (data22 === "never"))){
const err51 = {instancePath:instancePath+"/lock/auto_reclaim",schemaPath:"#/properties/lock/properties/auto_reclaim/enum",keyword:"enum",params:{allowedValues: schema17.properties.lock.properties.auto_reclaim.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
}
}
else {
const err52 = {instancePath:instancePath+"/lock",schemaPath:"#/properties/lock/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
}
if(data.require_signature !== undefined){
if(typeof data.require_signature !== "boolean"){
const err53 = {instancePath:instancePath+"/require_signature",schemaPath:"#/properties/require_signature/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
if(data.apply_hook !== undefined){
let data24 = data.apply_hook;
if(data24 && typeof data24 == "object" && !Array.isArray(data24)){
for(const key4 in data24){
if(!((key4 === "command") || (key4 === "timeout_ms"))){
const err54 = {instancePath:instancePath+"/apply_hook",schemaPath:"#/properties/apply_hook/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
}
if(data24.command !== undefined){
let data25 = data24.command;
if(Array.isArray(data25)){
if(data25.length > 64){
const err55 = {instancePath:instancePath+"/apply_hook/command",schemaPath:"#/properties/apply_hook/properties/command/maxItems",keyword:"maxItems",params:{limit: 64},message:"must NOT have more than 64 items"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
const len0 = data25.length;
for(let i0=0; i0<len0; i0++){
let data26 = data25[i0];
if(typeof data26 === "string"){
if(func3(data26) < 1){
const err56 = {instancePath:instancePath+"/apply_hook/command/" + i0,schemaPath:"#/properties/apply_hook/properties/command/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
else {
const err57 = {instancePath:instancePath+"/apply_hook/command/" + i0,schemaPath:"#/properties/apply_hook/properties/command/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
}
}
else {
const err58 = {instancePath:instancePath+"/apply_hook/command",schemaPath:"#/properties/apply_hook/properties/command/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
if(data24.timeout_ms !== undefined){
let data27 = data24.timeout_ms;
if(!(((typeof data27 == "number") && (!(data27 % 1) && !isNaN(data27))) && (isFinite(data27)))){
const err59 = {instancePath:instancePath+"/apply_hook/timeout_ms",schemaPath:"#/properties/apply_hook/properties/timeout_ms/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
if((typeof data27 == "number") && (isFinite(data27))){
if(data27 > 3600000 || isNaN(data27)){
const err60 = {instancePath:instancePath+"/apply_hook/timeout_ms",schemaPath:"#/properties/apply_hook/properties/timeout_ms/maximum",keyword:"maximum",params:{comparison: "<=", limit: 3600000},message:"must be <= 3600000"};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
if(data27 < 1 || isNaN(data27)){
const err61 = {instancePath:instancePath+"/apply_hook/timeout_ms",schemaPath:"#/properties/apply_hook/properties/timeout_ms/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
}
}
}
else {
const err62 = {instancePath:instancePath+"/apply_hook",schemaPath:"#/properties/apply_hook/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
if(data.history_size !== undefined){
let data28 = data.history_size;
if(!(((typeof data28 == "number") && (!(data28 % 1) && !isNaN(data28))) && (isFinite(data28)))){
const err63 = {instancePath:instancePath+"/history_size",schemaPath:"#/properties/history_size/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
if((typeof data28 == "number") && (isFinite(data28))){
if(data28 > 100 || isNaN(data28)){
const err64 = {instancePath:instancePath+"/history_size",schemaPath:"#/properties/history_size/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100"};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
if(data28 < 1 || isNaN(data28)){
const err65 = {instancePath:instancePath+"/history_size",schemaPath:"#/properties/history_size/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
}
}
if(data.topic_prefix !== undefined){
let data29 = data.topic_prefix;
if(typeof data29 === "string"){
if(!pattern12.test(data29)){
const err66 = {instancePath:instancePath+"/topic_prefix",schemaPath:"#/properties/topic_prefix/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$"},message:"must match pattern \""+"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$"+"\""};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
}
else {
const err67 = {instancePath:instancePath+"/topic_prefix",schemaPath:"#/properties/topic_prefix/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
}
if(data.log_level !== undefined){
let data30 = data.log_level;
if(typeof data30 !== "string"){
const err68 = {instancePath:instancePath+"/log_level",schemaPath:"#/properties/log_level/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
if(!((((((data30 === "fatal") || (data30 === "error")) || (data30 === "warn")) || (data30 === "info")) || (data30 === "debug")) || (data30 === "trace"))){
const err69 = {instancePath:instancePath+"/log_level",schemaPath:"#/properties/log_level/enum",keyword:"enum",params:{allowedValues: schema17.properties.log_level.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
}
}
else {
const err70 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
validate15.errors = vErrors;
return errors === 0;
}

export const limits = validate16;
const schema18 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://aimlock.dev/schemas/limits.schema.json","type":"object","additionalProperties":false,"properties":{"aim":{"type":"object","additionalProperties":false,"properties":{"sensitivity":{"$ref":"#/definitions/range"},"deadzone_deg":{"$ref":"#/definitions/range"},"smoothing":{"$ref":"#/definitions/range"},"max_slew_dps":{"$ref":"#/definitions/range"}}},"safety":{"type":"object","additionalProperties":false,"properties":{"max_yaw_rate_dps":{"$ref":"#/definitions/range"},"max_pitch_deg":{"$ref":"#/definitions/range"},"min_battery_pct":{"$ref":"#/definitions/range"},"geofence_radius_m":{"$ref":"#/definitions/range"},"min_separation_m":{"$ref":"#/definitions/range"},"failsafe":{"type":"object","additionalProperties":false,"required":["allowed"],"properties":{"allowed":{"type":"array","minItems":1,"uniqueItems":true,"items":{"type":"string","enum":["hover","return_home","land"]}}}}}},"update_window":{"type":"object","additionalProperties":false,"required":["allowed"],"properties":{"allowed":{"type":"array","minItems":1,"uniqueItems":true,"items":{"type":"string","enum":["any","hover","grounded"]}}}}},"definitions":{"range":{"type":"object","additionalProperties":false,"properties":{"min":{"type":"number"},"max":{"type":"number"}}}}};
const schema19 = {"type":"object","additionalProperties":false,"properties":{"min":{"type":"number"},"max":{"type":"number"}}};

function validate16(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="https://aimlock.dev/schemas/limits.schema.json" */;
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!(((key0 === "aim") || (key0 === "safety")) || (key0 === "update_window"))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.aim !== undefined){
let data0 = data.aim;
if(data0 && typeof data0 == "object" && !Array.isArray(data0)){
for(const key1 in data0){
if(!((((key1 === "sensitivity") || (key1 === "deadzone_deg")) || (key1 === "smoothing")) || (key1 === "max_slew_dps"))){
const err1 = {instancePath:instancePath+"/aim",schemaPath:"#/properties/aim/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data0.sensitivity !== undefined){
let data1 = data0.sensitivity;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
for(const key2 in data1){
if(!((key2 === "min") || (key2 === "max"))){
const err2 = {instancePath:instancePath+"/aim/sensitivity",schemaPath:"#/definitions/range/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data1.min !== undefined){
let data2 = data1.min;
if(!((typeof data2 == "number") && (isFinite(data2)))){
const err3 = {instancePath:instancePath+"/aim/sensitivity/min",schemaPath:"#/definitions/range/properties/min/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data1.max !== undefined){
let data3 = data1.max;
if(!((typeof data3 == "number") && (isFinite(data3)))){
const err4 = {instancePath:instancePath+"/aim/sensitivity/max",schemaPath:"#/definitions/range/properties/max/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
}
else {
const err5 = {instancePath:instancePath+"/aim/sensitivity",schemaPath:"#/definitions/range/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data0.deadzone_deg !== undefined){
let data4 = data0.deadzone_deg;
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
for(const key3 in data4){
if(!((key3 === "min") || (key3 === "max"))){
const err6 = {instancePath:instancePath+"/aim/deadzone_deg",schemaPath:"#/definitions/range/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data4.min !== undefined){
let data5 = data4.min;
if(!((typeof data5 == "number") && (isFinite(data5)))){
const err7 = {instancePath:instancePath+"/aim/deadzone_deg/min",schemaPath:"#/definitions/range/properties/min/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data4.max !== undefined){
let data6 = data4.max;
if(!((typeof data6 == "number") && (isFinite(data6)))){
const err8 = {instancePath:instancePath+"/aim/deadzone_deg/max",schemaPath:"#/definitions/range/properties/max/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
}
else {
const err9 = {instancePath:instancePath+"/aim/deadzone_deg",schemaPath:"#/definitions/range/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data0.smoothing !== undefined){
let data7 = data0.smoothing;
if(data7 && typeof data7 == "object" && !Array.isArray(data7)){
for(const key4 in data7){
if(!((key4 === "min") || (key4 === "max"))){
const err10 = {instancePath:instancePath+"/aim/smoothing",schemaPath:"#/definitions/range/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data7.min !== undefined){
let data8 = data7.min;
if(!((typeof data8 == "number") && (isFinite(data8)))){
const err11 = {instancePath:instancePath+"/aim/smoothing/min",schemaPath:"#/definitions/range/properties/min/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data7.max !== undefined){
let data9 = data7.max;
if(!((typeof data9 == "number") && (isFinite(data9)))){
const err12 = {instancePath:instancePath+"/aim/smoothing/max",schemaPath:"#/definitions/range/properties/max/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
}
else {
const err13 = {instancePath:instancePath+"/aim/smoothing",schemaPath:"#/definitions/range/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data0.max_slew_dps !== undefined){
let data10 = data0.max_slew_dps;
if(data10 && typeof data10 == "object" && !Array.isArray(data10)){
for(const key5 in data10){
if(!((key5 === "min") || (key5 === "max"))){
const err14 = {instancePath:instancePath+"/aim/max_slew_dps",schemaPath:"#/definitions/range/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data10.min !== undefined){
let data11 = data10.min;
if(!((typeof data11 == "number") && (isFinite(data11)))){
const err15 = {instancePath:instancePath+"/aim/max_slew_dps/min",schemaPath:"#/definitions/range/properties/min/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data10.max !== undefined){
let data12 = data10.max;
if(!((typeof data12 == "number") && (isFinite(data12)))){
const err16 = {instancePath:instancePath+"/aim/max_slew_dps/max",schemaPath:"#/definitions/range/properties/max/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
}
else {
const err17 = {instancePath:instancePath+"/aim/max_slew_dps",schemaPath:"#/definitions/range/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
}
else {
const err18 = {instancePath:instancePath+"/aim",schemaPath:"#/properties/aim/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
if(data.safety !== undefined){
let data13 = data.safety;
if(data13 && typeof data13 == "object" && !Array.isArray(data13)){
for(const key6 in data13){
if(!((((((key6 === "max_yaw_rate_dps") || (key6 === "max_pitch_deg")) || (key6 === "min_battery_pct")) || (key6 === "geofence_radius_m")) || (key6 === "min_separation_m")) || (key6 === "failsafe"))){
const err19 = {instancePath:instancePath+"/safety",schemaPath:"#/properties/safety/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key6},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data13.max_yaw_rate_dps !== undefined){
let data14 = data13.max_yaw_rate_dps;
if(data14 && typeof data14 == "object" && !Array.isArray(data14)){
for(const key7 in data14){
if(!((key7 === "min") || (key7 === "max"))){
const err20 = {instancePath:instancePath+"/safety/max_yaw_rate_dps",schemaPath:"#/definitions/range/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key7},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data14.min !== undefined){
let data15 = data14.min;
if(!((typeof data15 == "number") && (isFinite(data15)))){
const err21 = {instancePath:instancePath+"/safety/max_yaw_rate_dps/min",schemaPath:"#/definitions/range/properties/min/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
if(data14.max !== undefined){
let data16 = data14.max;
if(!((typeof data16 == "number") && (isFinite(data16)))){
const err22 = {instancePath:instancePath+"/safety/max_yaw_rate_dps/max",schemaPath:"#/definitions/range/properties/max/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
}
else {
const err23 = {instancePath:instancePath+"/safety/max_yaw_rate_dps",schemaPath:"#/definitions/range/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
if(data13.max_pitch_deg !== undefined){
let data17 = data13.max_pitch_deg;
if(data17 && typeof data17 == "object" && !Array.isArray(data17)){
for(const key8 in data17){
if(!((key8 === "min") || (key8 === "max"))){
const err24 = {instancePath:instancePath+"/safety/max_pitch_deg",schemaPath:"#/definitions/range/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key8},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
if(data17.min !== undefined){
let data18 = data17.min;
if(!((typeof data18 == "number") && (isFinite(data18)))){
const err25 = {instancePath:instancePath+"/safety/max_pitch_deg/min",schemaPath:"#/definitions/range/properties/min/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
if(data17.max !== undefined){
let data19 = data17.max;
if(!((typeof data19 == "number") && (isFinite(data19)))){
const err26 = {instancePath:instancePath+"/safety/max_pitch_deg/max",schemaPath:"#/definitions/range/properties/max/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
}
else {
const err27 = {instancePath:instancePath+"/safety/max_pitch_deg",schemaPath:"#/definitions/range/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
if(data13.min_battery_pct !== undefined){
let data20 = data13.min_battery_pct;
if(data20 && typeof data20 == "object" && !Array.isArray(data20)){
for(const key9 in data20){
if(!((key9 === "min") || (key9 === "max"))){
const err28 = {instancePath:instancePath+"/safety/min_battery_pct",schemaPath:"#/definitions/range/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key9},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
if(data20.min !== undefined){
let data21 = data20.min;
if(!((typeof data21 == "number") && (isFinite(data21)))){
const err29 = {instancePath:instancePath+"/safety/min_battery_pct/min",schemaPath:"#/definitions/range/properties/min/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
if(data20.max !== undefined){
let data22 = data20.max;
if(!((typeof data22 == "number") && (isFinite(data22)))){
const err30 = {instancePath:instancePath+"/safety/min_battery_pct/max",schemaPath:"#/definitions/range/properties/max/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
}
else {
const err31 = {instancePath:instancePath+"/safety/min_battery_pct",schemaPath:"#/definitions/range/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
if(data13.geofence_radius_m !== undefined){
let data23 = data13.geofence_radius_m;
if(data23 && typeof data23 == "object" && !Array.isArray(data23)){
for(const key10 in data23){
if(!((key10 === "min") || (key10 === "max"))){
const err32 = {instancePath:instancePath+"/safety/geofence_radius_m",schemaPath:"#/definitions/range/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key10},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
if(data23.min !== undefined){
let data24 = data23.min;
if(!((typeof data24 == "number") && (isFinite(data24)))){
const err33 = {instancePath:instancePath+"/safety/geofence_radius_m/min",schemaPath:"#/definitions/range/properties/min/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
if(data23.max !== undefined){
let data25 = data23.max;
if(!((typeof data25 == "number") && (isFinite(data25)))){
const err34 = {instancePath:instancePath+"/safety/geofence_radius_m/max",schemaPath:"#/definitions/range/properties/max/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
}
else {
const err35 = {instancePath:instancePath+"/safety/geofence_radius_m",schemaPath:"#/definitions/range/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
if(data13.min_separation_m !== undefined){
let data26 = data13.min_separation_m;
if(data26 && typeof data26 == "object" && !Array.isArray(data26)){
for(const key11 in data26){
if(!((key11 === "min") || (key11 === "max"))){
const err36 = {instancePath:instancePath+"/safety/min_separation_m",schemaPath:"#/definitions/range/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key11},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
if(data26.min !== undefined){
let data27 = data26.min;
if(!((typeof data27 == "number") && (isFinite(data27)))){
const err37 = {instancePath:instancePath+"/safety/min_separation_m/min",schemaPath:"#/definitions/range/properties/min/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
if(data26.max !== undefined){
let data28 = data26.max;
if(!((typeof data28 == "number") && (isFinite(data28)))){
const err38 = {instancePath:instancePath+"/safety/min_separation_m/max",schemaPath:"#/definitions/range/properties/max/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
}
else {
const err39 = {instancePath:instancePath+"/safety/min_separation_m",schemaPath:"#/definitions/range/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
if(data13.failsafe !== undefined){
let data29 = data13.failsafe;
if(data29 && typeof data29 == "object" && !Array.isArray(data29)){
if(data29.allowed === undefined){
const err40 = {instancePath:instancePath+"/safety/failsafe",schemaPath:"#/properties/safety/properties/failsafe/required",keyword:"required",params:{missingProperty: "allowed"},message:"must have required property '"+"allowed"+"'"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
for(const key12 in data29){
if(!(key12 === "allowed")){
const err41 = {instancePath:instancePath+"/safety/failsafe",schemaPath:"#/properties/safety/properties/failsafe/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key12},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
if(data29.allowed !== undefined){
let data30 = data29.allowed;
if(Array.isArray(data30)){
if(data30.length < 1){
const err42 = {instancePath:instancePath+"/safety/failsafe/allowed",schemaPath:"#/properties/safety/properties/failsafe/properties/allowed/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
const len0 = data30.length;
for(let i0=0; i0<len0; i0++){
let data31 = data30[i0];
if(typeof data31 !== "string"){
const err43 = {instancePath:instancePath+"/safety/failsafe/allowed/" + i0,schemaPath:"#/properties/safety/properties/failsafe/properties/allowed/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
if(!(((data31 === "hover") || (data31 === "return_home")) || (data31 === "land"))){
const err44 = {instancePath:instancePath+"/safety/failsafe/allowed/" + i0,schemaPath:"#/properties/safety/properties/failsafe/properties/allowed/items/enum",keyword:"enum",params:{allowedValues: schema18.properties.safety.properties.failsafe.properties.allowed.items.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
let i1 = data30.length;
let j0;
if(i1 > 1){
const indices0 = {};
for(;i1--;){
let item0 = data30[i1];
if(typeof item0 !== "string"){
continue;
}
if(typeof indices0[item0] == "number"){
j0 = indices0[item0];
const err45 = {instancePath:instancePath+"/safety/failsafe/allowed",schemaPath:"#/properties/safety/properties/failsafe/properties/allowed/uniqueItems",keyword:"uniqueItems",params:{i: i1, j: j0},message:"must NOT have duplicate items (items ## "+j0+" and "+i1+" are identical)"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
break;
}
indices0[item0] = i1;
}
}
}
else {
const err46 = {instancePath:instancePath+"/safety/failsafe/allowed",schemaPath:"#/properties/safety/properties/failsafe/properties/allowed/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
}
else {
const err47 = {instancePath:instancePath+"/safety/failsafe",schemaPath:"#/properties/safety/properties/failsafe/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
}
}
else {
const err48 = {instancePath:instancePath+"/safety",schemaPath:"#/properties/safety/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
if(data.update_window !== undefined){
let data32 = data.update_window;
if(data32 && typeof data32 == "object" && !Array.isArray(data32)){
if(data32.allowed === undefined){
const err49 = {instancePath:instancePath+"/update_window",schemaPath:"#/properties/update_window/required",keyword:"required",params:{missingProperty: "allowed"},message:"must have required property '"+"allowed"+"'"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
for(const key13 in data32){
if(!(key13 === "allowed")){
const err50 = {instancePath:instancePath+"/update_window",schemaPath:"#/properties/update_window/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key13},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
}
if(data32.allowed !== undefined){
let data33 = data32.allowed;
if(Array.isArray(data33)){
if(data33.length < 1){
const err51 = {instancePath:instancePath+"/update_window/allowed",schemaPath:"#/properties/update_window/properties/allowed/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
const len1 = data33.length;
for(let i2=0; i2<len1; i2++){
let data34 = data33[i2];
if(typeof data34 !== "string"){
const err52 = {instancePath:instancePath+"/update_window/allowed/" + i2,schemaPath:"#/properties/update_window/properties/allowed/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
if(!(((data34 === "any") || (data34 === "hover")) || (data34 === "grounded"))){
const err53 = {instancePath:instancePath+"/update_window/allowed/" + i2,schemaPath:"#/properties/update_window/properties/allowed/items/enum",keyword:"enum",params:{allowedValues: schema18.properties.update_window.properties.allowed.items.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
let i3 = data33.length;
let j1;
if(i3 > 1){
const indices1 = {};
for(;i3--;){
let item1 = data33[i3];
if(typeof item1 !== "string"){
continue;
}
if(typeof indices1[item1] == "number"){
j1 = indices1[item1];
const err54 = {instancePath:instancePath+"/update_window/allowed",schemaPath:"#/properties/update_window/properties/allowed/uniqueItems",keyword:"uniqueItems",params:{i: i3, j: j1},message:"must NOT have duplicate items (items ## "+j1+" and "+i3+" are identical)"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
break;
}
indices1[item1] = i3;
}
}
}
else {
const err55 = {instancePath:instancePath+"/update_window/allowed",schemaPath:"#/properties/update_window/properties/allowed/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
}
else {
const err56 = {instancePath:instancePath+"/update_window",schemaPath:"#/properties/update_window/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
}
else {
const err57 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
validate16.errors = vErrors;
return errors === 0;
}

export const command = validate17;
const schema28 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://aimlock.dev/schemas/command.schema.json","type":"object","additionalProperties":false,"required":["kind","id","device","issued_at","expires_at","action","args","signature"],"properties":{"kind":{"const":"aimlock.command/v1"},"id":{"type":"string","minLength":1,"maxLength":128,"pattern":"^[A-Za-z0-9._:-]+$"},"device":{"type":"string","minLength":1,"maxLength":128,"pattern":"^[A-Za-z0-9._:-]+$"},"issued_at":{"type":"string","format":"date-time"},"expires_at":{"type":"string","format":"date-time"},"action":{"type":"string","enum":["hold","resume","locks","reclaim","release_force","status"]},"args":{"type":"object","additionalProperties":false,"properties":{"reason":{"type":"string","minLength":1,"maxLength":500},"for":{"type":"integer","minimum":1,"maximum":86400},"hold_for":{"type":"integer","minimum":1,"maximum":86400}}},"signature":{"type":"object","additionalProperties":false,"required":["alg","key_id","value"],"properties":{"alg":{"const":"ed25519"},"key_id":{"type":"string","pattern":"^[A-Za-z0-9._-]{1,64}$"},"value":{"type":"string","minLength":1,"maxLength":200,"pattern":"^[A-Za-z0-9+/]+={0,2}$"}}}},"allOf":[{"if":{"properties":{"action":{"const":"hold"}}},"then":{"properties":{"args":{"$ref":"#/definitions/hold_args"}}}},{"if":{"properties":{"action":{"const":"release_force"}}},"then":{"properties":{"args":{"$ref":"#/definitions/release_force_args"}}}},{"if":{"properties":{"action":{"enum":["resume","locks","reclaim","status"]}}},"then":{"properties":{"args":{"$ref":"#/definitions/no_args"}}}}],"definitions":{"hold_args":{"type":"object","additionalProperties":false,"required":["reason","for"],"properties":{"reason":{"type":"string","minLength":1,"maxLength":500},"for":{"type":"integer","minimum":1,"maximum":86400}}},"release_force_args":{"type":"object","additionalProperties":false,"required":["reason","hold_for"],"properties":{"reason":{"type":"string","minLength":1,"maxLength":500},"hold_for":{"type":"integer","minimum":1,"maximum":86400}}},"no_args":{"type":"object","additionalProperties":false,"maxProperties":0}}};
const schema29 = {"type":"object","additionalProperties":false,"required":["reason","for"],"properties":{"reason":{"type":"string","minLength":1,"maxLength":500},"for":{"type":"integer","minimum":1,"maximum":86400}}};
const schema30 = {"type":"object","additionalProperties":false,"required":["reason","hold_for"],"properties":{"reason":{"type":"string","minLength":1,"maxLength":500},"hold_for":{"type":"integer","minimum":1,"maximum":86400}}};
const schema31 = {"type":"object","additionalProperties":false,"maxProperties":0};

function validate17(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="https://aimlock.dev/schemas/command.schema.json" */;
let vErrors = null;
let errors = 0;
const _errs2 = errors;
let valid1 = true;
const _errs3 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.action !== undefined){
if("hold" !== data.action){
const err0 = {};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
}
var _valid0 = _errs3 === errors;
errors = _errs2;
if(vErrors !== null){
if(_errs2){
vErrors.length = _errs2;
}
else {
vErrors = null;
}
}
if(_valid0){
const _errs5 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.args !== undefined){
let data1 = data.args;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
if(data1.reason === undefined){
const err1 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/hold_args/required",keyword:"required",params:{missingProperty: "reason"},message:"must have required property '"+"reason"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data1.for === undefined){
const err2 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/hold_args/required",keyword:"required",params:{missingProperty: "for"},message:"must have required property '"+"for"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
for(const key0 in data1){
if(!((key0 === "reason") || (key0 === "for"))){
const err3 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/hold_args/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data1.reason !== undefined){
let data2 = data1.reason;
if(typeof data2 === "string"){
if(func3(data2) > 500){
const err4 = {instancePath:instancePath+"/args/reason",schemaPath:"#/definitions/hold_args/properties/reason/maxLength",keyword:"maxLength",params:{limit: 500},message:"must NOT have more than 500 characters"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(func3(data2) < 1){
const err5 = {instancePath:instancePath+"/args/reason",schemaPath:"#/definitions/hold_args/properties/reason/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
else {
const err6 = {instancePath:instancePath+"/args/reason",schemaPath:"#/definitions/hold_args/properties/reason/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data1.for !== undefined){
let data3 = data1.for;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
const err7 = {instancePath:instancePath+"/args/for",schemaPath:"#/definitions/hold_args/properties/for/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 > 86400 || isNaN(data3)){
const err8 = {instancePath:instancePath+"/args/for",schemaPath:"#/definitions/hold_args/properties/for/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400},message:"must be <= 86400"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if(data3 < 1 || isNaN(data3)){
const err9 = {instancePath:instancePath+"/args/for",schemaPath:"#/definitions/hold_args/properties/for/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
}
}
else {
const err10 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/hold_args/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
}
var _valid0 = _errs5 === errors;
valid1 = _valid0;
}
if(!valid1){
const err11 = {instancePath,schemaPath:"#/allOf/0/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
const _errs15 = errors;
let valid6 = true;
const _errs16 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.action !== undefined){
if("release_force" !== data.action){
const err12 = {};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
}
var _valid1 = _errs16 === errors;
errors = _errs15;
if(vErrors !== null){
if(_errs15){
vErrors.length = _errs15;
}
else {
vErrors = null;
}
}
if(_valid1){
const _errs18 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.args !== undefined){
let data5 = data.args;
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
if(data5.reason === undefined){
const err13 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/release_force_args/required",keyword:"required",params:{missingProperty: "reason"},message:"must have required property '"+"reason"+"'"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(data5.hold_for === undefined){
const err14 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/release_force_args/required",keyword:"required",params:{missingProperty: "hold_for"},message:"must have required property '"+"hold_for"+"'"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
for(const key1 in data5){
if(!((key1 === "reason") || (key1 === "hold_for"))){
const err15 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/release_force_args/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data5.reason !== undefined){
let data6 = data5.reason;
if(typeof data6 === "string"){
if(func3(data6) > 500){
const err16 = {instancePath:instancePath+"/args/reason",schemaPath:"#/definitions/release_force_args/properties/reason/maxLength",keyword:"maxLength",params:{limit: 500},message:"must NOT have more than 500 characters"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
if(func3(data6) < 1){
const err17 = {instancePath:instancePath+"/args/reason",schemaPath:"#/definitions/release_force_args/properties/reason/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
else {
const err18 = {instancePath:instancePath+"/args/reason",schemaPath:"#/definitions/release_force_args/properties/reason/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
if(data5.hold_for !== undefined){
let data7 = data5.hold_for;
if(!(((typeof data7 == "number") && (!(data7 % 1) && !isNaN(data7))) && (isFinite(data7)))){
const err19 = {instancePath:instancePath+"/args/hold_for",schemaPath:"#/definitions/release_force_args/properties/hold_for/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
if((typeof data7 == "number") && (isFinite(data7))){
if(data7 > 86400 || isNaN(data7)){
const err20 = {instancePath:instancePath+"/args/hold_for",schemaPath:"#/definitions/release_force_args/properties/hold_for/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400},message:"must be <= 86400"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
if(data7 < 1 || isNaN(data7)){
const err21 = {instancePath:instancePath+"/args/hold_for",schemaPath:"#/definitions/release_force_args/properties/hold_for/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
}
}
else {
const err22 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/release_force_args/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
}
var _valid1 = _errs18 === errors;
valid6 = _valid1;
}
if(!valid6){
const err23 = {instancePath,schemaPath:"#/allOf/1/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
const _errs28 = errors;
let valid11 = true;
const _errs29 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.action !== undefined){
let data8 = data.action;
if(!((((data8 === "resume") || (data8 === "locks")) || (data8 === "reclaim")) || (data8 === "status"))){
const err24 = {};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
}
var _valid2 = _errs29 === errors;
errors = _errs28;
if(vErrors !== null){
if(_errs28){
vErrors.length = _errs28;
}
else {
vErrors = null;
}
}
if(_valid2){
const _errs31 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.args !== undefined){
let data9 = data.args;
if(data9 && typeof data9 == "object" && !Array.isArray(data9)){
if(Object.keys(data9).length > 0){
const err25 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/no_args/maxProperties",keyword:"maxProperties",params:{limit: 0},message:"must NOT have more than 0 properties"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
for(const key2 in data9){
const err26 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/no_args/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
else {
const err27 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/no_args/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
}
var _valid2 = _errs31 === errors;
valid11 = _valid2;
}
if(!valid11){
const err28 = {instancePath,schemaPath:"#/allOf/2/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.kind === undefined){
const err29 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if(data.id === undefined){
const err30 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "id"},message:"must have required property '"+"id"+"'"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
if(data.device === undefined){
const err31 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "device"},message:"must have required property '"+"device"+"'"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
if(data.issued_at === undefined){
const err32 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "issued_at"},message:"must have required property '"+"issued_at"+"'"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
if(data.expires_at === undefined){
const err33 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "expires_at"},message:"must have required property '"+"expires_at"+"'"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
if(data.action === undefined){
const err34 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "action"},message:"must have required property '"+"action"+"'"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
if(data.args === undefined){
const err35 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "args"},message:"must have required property '"+"args"+"'"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
if(data.signature === undefined){
const err36 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "signature"},message:"must have required property '"+"signature"+"'"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
for(const key3 in data){
if(!((((((((key3 === "kind") || (key3 === "id")) || (key3 === "device")) || (key3 === "issued_at")) || (key3 === "expires_at")) || (key3 === "action")) || (key3 === "args")) || (key3 === "signature"))){
const err37 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
if(data.kind !== undefined){
if("aimlock.command/v1" !== data.kind){
const err38 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "aimlock.command/v1"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
if(data.id !== undefined){
let data11 = data.id;
if(typeof data11 === "string"){
if(func3(data11) > 128){
const err39 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
if(func3(data11) < 1){
const err40 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
if(!pattern0.test(data11)){
const err41 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9._:-]+$"},message:"must match pattern \""+"^[A-Za-z0-9._:-]+$"+"\""};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
else {
const err42 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
if(data.device !== undefined){
let data12 = data.device;
if(typeof data12 === "string"){
if(func3(data12) > 128){
const err43 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
if(func3(data12) < 1){
const err44 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
if(!pattern0.test(data12)){
const err45 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9._:-]+$"},message:"must match pattern \""+"^[A-Za-z0-9._:-]+$"+"\""};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
else {
const err46 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
if(data.issued_at !== undefined){
let data13 = data.issued_at;
if(typeof data13 === "string"){
if(!(formats0.validate(data13))){
const err47 = {instancePath:instancePath+"/issued_at",schemaPath:"#/properties/issued_at/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
}
else {
const err48 = {instancePath:instancePath+"/issued_at",schemaPath:"#/properties/issued_at/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
if(data.expires_at !== undefined){
let data14 = data.expires_at;
if(typeof data14 === "string"){
if(!(formats0.validate(data14))){
const err49 = {instancePath:instancePath+"/expires_at",schemaPath:"#/properties/expires_at/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
else {
const err50 = {instancePath:instancePath+"/expires_at",schemaPath:"#/properties/expires_at/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
}
if(data.action !== undefined){
let data15 = data.action;
if(typeof data15 !== "string"){
const err51 = {instancePath:instancePath+"/action",schemaPath:"#/properties/action/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
if(!((((((data15 === "hold") || (data15 === "resume")) || (data15 === "locks")) || (data15 === "reclaim")) || (data15 === "release_force")) || (data15 === "status"))){
const err52 = {instancePath:instancePath+"/action",schemaPath:"#/properties/action/enum",keyword:"enum",params:{allowedValues: schema28.properties.action.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
}
if(data.args !== undefined){
let data16 = data.args;
if(data16 && typeof data16 == "object" && !Array.isArray(data16)){
for(const key4 in data16){
if(!(((key4 === "reason") || (key4 === "for")) || (key4 === "hold_for"))){
const err53 = {instancePath:instancePath+"/args",schemaPath:"#/properties/args/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
if(data16.reason !== undefined){
let data17 = data16.reason;
if(typeof data17 === "string"){
if(func3(data17) > 500){
const err54 = {instancePath:instancePath+"/args/reason",schemaPath:"#/properties/args/properties/reason/maxLength",keyword:"maxLength",params:{limit: 500},message:"must NOT have more than 500 characters"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
if(func3(data17) < 1){
const err55 = {instancePath:instancePath+"/args/reason",schemaPath:"#/properties/args/properties/reason/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
else {
const err56 = {instancePath:instancePath+"/args/reason",schemaPath:"#/properties/args/properties/reason/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
if(data16.for !== undefined){
let data18 = data16.for;
if(!(((typeof data18 == "number") && (!(data18 % 1) && !isNaN(data18))) && (isFinite(data18)))){
const err57 = {instancePath:instancePath+"/args/for",schemaPath:"#/properties/args/properties/for/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
if((typeof data18 == "number") && (isFinite(data18))){
if(data18 > 86400 || isNaN(data18)){
const err58 = {instancePath:instancePath+"/args/for",schemaPath:"#/properties/args/properties/for/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400},message:"must be <= 86400"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
if(data18 < 1 || isNaN(data18)){
const err59 = {instancePath:instancePath+"/args/for",schemaPath:"#/properties/args/properties/for/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
}
}
if(data16.hold_for !== undefined){
let data19 = data16.hold_for;
if(!(((typeof data19 == "number") && (!(data19 % 1) && !isNaN(data19))) && (isFinite(data19)))){
const err60 = {instancePath:instancePath+"/args/hold_for",schemaPath:"#/properties/args/properties/hold_for/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
if((typeof data19 == "number") && (isFinite(data19))){
if(data19 > 86400 || isNaN(data19)){
const err61 = {instancePath:instancePath+"/args/hold_for",schemaPath:"#/properties/args/properties/hold_for/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400},message:"must be <= 86400"};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
if(data19 < 1 || isNaN(data19)){
const err62 = {instancePath:instancePath+"/args/hold_for",schemaPath:"#/properties/args/properties/hold_for/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
}
}
else {
const err63 = {instancePath:instancePath+"/args",schemaPath:"#/properties/args/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
}
if(data.signature !== undefined){
let data20 = data.signature;
if(data20 && typeof data20 == "object" && !Array.isArray(data20)){
if(data20.alg === undefined){
const err64 = {instancePath:instancePath+"/signature",schemaPath:"#/properties/signature/required",keyword:"required",params:{missingProperty: "alg"},message:"must have required property '"+"alg"+"'"};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
if(data20.key_id === undefined){
const err65 = {instancePath:instancePath+"/signature",schemaPath:"#/properties/signature/required",keyword:"required",params:{missingProperty: "key_id"},message:"must have required property '"+"key_id"+"'"};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
if(data20.value === undefined){
const err66 = {instancePath:instancePath+"/signature",schemaPath:"#/properties/signature/required",keyword:"required",params:{missingProperty: "value"},message:"must have required property '"+"value"+"'"};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
for(const key5 in data20){
if(!(((key5 === "alg") || (key5 === "key_id")) || (key5 === "value"))){
const err67 = {instancePath:instancePath+"/signature",schemaPath:"#/properties/signature/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
}
if(data20.alg !== undefined){
if("ed25519" !== data20.alg){
const err68 = {instancePath:instancePath+"/signature/alg",schemaPath:"#/properties/signature/properties/alg/const",keyword:"const",params:{allowedValue: "ed25519"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
}
if(data20.key_id !== undefined){
let data22 = data20.key_id;
if(typeof data22 === "string"){
if(!pattern2.test(data22)){
const err69 = {instancePath:instancePath+"/signature/key_id",schemaPath:"#/properties/signature/properties/key_id/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9._-]{1,64}$"},message:"must match pattern \""+"^[A-Za-z0-9._-]{1,64}$"+"\""};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
}
else {
const err70 = {instancePath:instancePath+"/signature/key_id",schemaPath:"#/properties/signature/properties/key_id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
}
if(data20.value !== undefined){
let data23 = data20.value;
if(typeof data23 === "string"){
if(func3(data23) > 200){
const err71 = {instancePath:instancePath+"/signature/value",schemaPath:"#/properties/signature/properties/value/maxLength",keyword:"maxLength",params:{limit: 200},message:"must NOT have more than 200 characters"};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
if(func3(data23) < 1){
const err72 = {instancePath:instancePath+"/signature/value",schemaPath:"#/properties/signature/properties/value/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
if(!pattern3.test(data23)){
const err73 = {instancePath:instancePath+"/signature/value",schemaPath:"#/properties/signature/properties/value/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9+/]+={0,2}$"},message:"must match pattern \""+"^[A-Za-z0-9+/]+={0,2}$"+"\""};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
}
else {
const err74 = {instancePath:instancePath+"/signature/value",schemaPath:"#/properties/signature/properties/value/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
}
}
else {
const err75 = {instancePath:instancePath+"/signature",schemaPath:"#/properties/signature/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
}
}
else {
const err76 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
validate17.errors = vErrors;
return errors === 0;
}

export const command_result = validate18;
const schema32 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://aimlock.dev/schemas/command-result.schema.json","type":"object","additionalProperties":false,"required":["kind","device","id","action","status","code","detail","ts"],"properties":{"kind":{"const":"aimlock.command-result/v1"},"device":{"type":"string","pattern":"^[A-Za-z0-9._-]{1,64}$"},"id":{"type":"string","maxLength":128},"action":{"type":["string","null"],"enum":["hold","resume","locks","reclaim","release_force","status",null]},"status":{"type":"string","enum":["accepted","done","refused","duplicate"]},"code":{"type":"string","pattern":"^[a-z][a-z0-9_]{1,63}$"},"detail":{"type":"string","maxLength":2000},"key_id":{"type":"string","pattern":"^[A-Za-z0-9._-]{1,64}$"},"data":{"type":"object","additionalProperties":true},"ts":{"type":"string","format":"date-time"}}};
const pattern18 = new RegExp("^[a-z][a-z0-9_]{1,63}$", "u");

function validate18(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="https://aimlock.dev/schemas/command-result.schema.json" */;
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.kind === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.device === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "device"},message:"must have required property '"+"device"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.id === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "id"},message:"must have required property '"+"id"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.action === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "action"},message:"must have required property '"+"action"+"'"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(data.status === undefined){
const err4 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "status"},message:"must have required property '"+"status"+"'"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data.code === undefined){
const err5 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "code"},message:"must have required property '"+"code"+"'"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data.detail === undefined){
const err6 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "detail"},message:"must have required property '"+"detail"+"'"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(data.ts === undefined){
const err7 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "ts"},message:"must have required property '"+"ts"+"'"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
for(const key0 in data){
if(!(func2.call(schema32.properties, key0))){
const err8 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data.kind !== undefined){
if("aimlock.command-result/v1" !== data.kind){
const err9 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "aimlock.command-result/v1"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data.device !== undefined){
let data1 = data.device;
if(typeof data1 === "string"){
if(!pattern2.test(data1)){
const err10 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9._-]{1,64}$"},message:"must match pattern \""+"^[A-Za-z0-9._-]{1,64}$"+"\""};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
else {
const err11 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data.id !== undefined){
let data2 = data.id;
if(typeof data2 === "string"){
if(func3(data2) > 128){
const err12 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.action !== undefined){
let data3 = data.action;
if((typeof data3 !== "string") && (data3 !== null)){
const err14 = {instancePath:instancePath+"/action",schemaPath:"#/properties/action/type",keyword:"type",params:{type: schema32.properties.action.type},message:"must be string,null"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if(!(((((((data3 === "hold") || (data3 === "resume")) || (data3 === "locks")) || (data3 === "reclaim")) || (data3 === "release_force")) || (data3 === "status")) || (data3 === null))){
const err15 = {instancePath:instancePath+"/action",schemaPath:"#/properties/action/enum",keyword:"enum",params:{allowedValues: schema32.properties.action.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.status !== undefined){
let data4 = data.status;
if(typeof data4 !== "string"){
const err16 = {instancePath:instancePath+"/status",schemaPath:"#/properties/status/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
if(!((((data4 === "accepted") || (data4 === "done")) || (data4 === "refused")) || (data4 === "duplicate"))){
const err17 = {instancePath:instancePath+"/status",schemaPath:"#/properties/status/enum",keyword:"enum",params:{allowedValues: schema32.properties.status.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data.code !== undefined){
let data5 = data.code;
if(typeof data5 === "string"){
if(!pattern18.test(data5)){
const err18 = {instancePath:instancePath+"/code",schemaPath:"#/properties/code/pattern",keyword:"pattern",params:{pattern: "^[a-z][a-z0-9_]{1,63}$"},message:"must match pattern \""+"^[a-z][a-z0-9_]{1,63}$"+"\""};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/code",schemaPath:"#/properties/code/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data.detail !== undefined){
let data6 = data.detail;
if(typeof data6 === "string"){
if(func3(data6) > 2000){
const err20 = {instancePath:instancePath+"/detail",schemaPath:"#/properties/detail/maxLength",keyword:"maxLength",params:{limit: 2000},message:"must NOT have more than 2000 characters"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
else {
const err21 = {instancePath:instancePath+"/detail",schemaPath:"#/properties/detail/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
if(data.key_id !== undefined){
let data7 = data.key_id;
if(typeof data7 === "string"){
if(!pattern2.test(data7)){
const err22 = {instancePath:instancePath+"/key_id",schemaPath:"#/properties/key_id/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9._-]{1,64}$"},message:"must match pattern \""+"^[A-Za-z0-9._-]{1,64}$"+"\""};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
else {
const err23 = {instancePath:instancePath+"/key_id",schemaPath:"#/properties/key_id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
if(data.data !== undefined){
let data8 = data.data;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
}
else {
const err24 = {instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
if(data.ts !== undefined){
let data9 = data.ts;
if(typeof data9 === "string"){
if(!(formats0.validate(data9))){
const err25 = {instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
else {
const err26 = {instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
}
else {
const err27 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
validate18.errors = vErrors;
return errors === 0;
}

export const push_envelope = validate19;
const schema33 = {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","additionalProperties":false,"required":["kind","id","device","version","issued_at","config"],"properties":{"kind":{"const":"aimlock.push/v1"},"id":{"type":"string","minLength":1,"maxLength":128,"pattern":"^[A-Za-z0-9._:-]+$"},"device":{"type":"string","minLength":1,"maxLength":128,"pattern":"^[A-Za-z0-9._:-]+$"},"version":{"type":"integer","minimum":1,"maximum":9007199254740991},"issued_at":{"type":"string","format":"date-time"},"expires_at":{"type":"string","format":"date-time"},"rollout":{"type":"string","maxLength":128},"config":{"type":"object","maxProperties":16,"additionalProperties":{"anyOf":[{"type":["string","number","boolean","null"]},{"type":"object","maxProperties":32,"additionalProperties":{"type":["string","number","boolean","null"]}}]}},"signature":{"type":"object"}},"$id":"https://aimlock.dev/schemas/push.envelope.derived.json"};

function validate19(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="https://aimlock.dev/schemas/push.envelope.derived.json" */;
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.kind === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.id === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "id"},message:"must have required property '"+"id"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.device === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "device"},message:"must have required property '"+"device"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.version === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "version"},message:"must have required property '"+"version"+"'"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(data.issued_at === undefined){
const err4 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "issued_at"},message:"must have required property '"+"issued_at"+"'"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data.config === undefined){
const err5 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "config"},message:"must have required property '"+"config"+"'"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
for(const key0 in data){
if(!(func2.call(schema33.properties, key0))){
const err6 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.kind !== undefined){
if("aimlock.push/v1" !== data.kind){
const err7 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "aimlock.push/v1"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.id !== undefined){
let data1 = data.id;
if(typeof data1 === "string"){
if(func3(data1) > 128){
const err8 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if(func3(data1) < 1){
const err9 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(!pattern0.test(data1)){
const err10 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9._:-]+$"},message:"must match pattern \""+"^[A-Za-z0-9._:-]+$"+"\""};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
else {
const err11 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data.device !== undefined){
let data2 = data.device;
if(typeof data2 === "string"){
if(func3(data2) > 128){
const err12 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if(func3(data2) < 1){
const err13 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(!pattern0.test(data2)){
const err14 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9._:-]+$"},message:"must match pattern \""+"^[A-Za-z0-9._:-]+$"+"\""};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
else {
const err15 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.version !== undefined){
let data3 = data.version;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
const err16 = {instancePath:instancePath+"/version",schemaPath:"#/properties/version/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 > 9007199254740991 || isNaN(data3)){
const err17 = {instancePath:instancePath+"/version",schemaPath:"#/properties/version/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(data3 < 1 || isNaN(data3)){
const err18 = {instancePath:instancePath+"/version",schemaPath:"#/properties/version/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
}
if(data.issued_at !== undefined){
let data4 = data.issued_at;
if(typeof data4 === "string"){
if(!(formats0.validate(data4))){
const err19 = {instancePath:instancePath+"/issued_at",schemaPath:"#/properties/issued_at/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
else {
const err20 = {instancePath:instancePath+"/issued_at",schemaPath:"#/properties/issued_at/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data.expires_at !== undefined){
let data5 = data.expires_at;
if(typeof data5 === "string"){
if(!(formats0.validate(data5))){
const err21 = {instancePath:instancePath+"/expires_at",schemaPath:"#/properties/expires_at/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
else {
const err22 = {instancePath:instancePath+"/expires_at",schemaPath:"#/properties/expires_at/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
if(data.rollout !== undefined){
let data6 = data.rollout;
if(typeof data6 === "string"){
if(func3(data6) > 128){
const err23 = {instancePath:instancePath+"/rollout",schemaPath:"#/properties/rollout/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
else {
const err24 = {instancePath:instancePath+"/rollout",schemaPath:"#/properties/rollout/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
if(data.config !== undefined){
let data7 = data.config;
if(data7 && typeof data7 == "object" && !Array.isArray(data7)){
if(Object.keys(data7).length > 16){
const err25 = {instancePath:instancePath+"/config",schemaPath:"#/properties/config/maxProperties",keyword:"maxProperties",params:{limit: 16},message:"must NOT have more than 16 properties"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
for(const key1 in data7){
let data8 = data7[key1];
const _errs19 = errors;
let valid2 = false;
const _errs20 = errors;
if((((typeof data8 !== "string") && (!((typeof data8 == "number") && (isFinite(data8))))) && (typeof data8 !== "boolean")) && (data8 !== null)){
const err26 = {instancePath:instancePath+"/config/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/config/additionalProperties/anyOf/0/type",keyword:"type",params:{type: schema33.properties.config.additionalProperties.anyOf[0].type},message:"must be string,number,boolean,null"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
var _valid0 = _errs20 === errors;
valid2 = valid2 || _valid0;
if(!valid2){
const _errs22 = errors;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(Object.keys(data8).length > 32){
const err27 = {instancePath:instancePath+"/config/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/config/additionalProperties/anyOf/1/maxProperties",keyword:"maxProperties",params:{limit: 32},message:"must NOT have more than 32 properties"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
for(const key2 in data8){
let data9 = data8[key2];
if((((typeof data9 !== "string") && (!((typeof data9 == "number") && (isFinite(data9))))) && (typeof data9 !== "boolean")) && (data9 !== null)){
const err28 = {instancePath:instancePath+"/config/" + key1.replace(/~/g, "~0").replace(/\//g, "~1")+"/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/config/additionalProperties/anyOf/1/additionalProperties/type",keyword:"type",params:{type: schema33.properties.config.additionalProperties.anyOf[1].additionalProperties.type},message:"must be string,number,boolean,null"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
}
else {
const err29 = {instancePath:instancePath+"/config/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/config/additionalProperties/anyOf/1/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
var _valid0 = _errs22 === errors;
valid2 = valid2 || _valid0;
}
if(!valid2){
const err30 = {instancePath:instancePath+"/config/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/config/additionalProperties/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
else {
errors = _errs19;
if(vErrors !== null){
if(_errs19){
vErrors.length = _errs19;
}
else {
vErrors = null;
}
}
}
}
}
else {
const err31 = {instancePath:instancePath+"/config",schemaPath:"#/properties/config/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
if(data.signature !== undefined){
let data10 = data.signature;
if(!(data10 && typeof data10 == "object" && !Array.isArray(data10))){
const err32 = {instancePath:instancePath+"/signature",schemaPath:"#/properties/signature/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
}
else {
const err33 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
validate19.errors = vErrors;
return errors === 0;
}

export const command_screen = validate20;
const schema34 = {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","additionalProperties":false,"required":["kind","id","device","issued_at","expires_at","action","args"],"properties":{"kind":{"const":"aimlock.command/v1"},"id":{"type":"string","minLength":1,"maxLength":128,"pattern":"^[A-Za-z0-9._:-]+$"},"device":{"type":"string","minLength":1,"maxLength":128,"pattern":"^[A-Za-z0-9._:-]+$"},"issued_at":{"type":"string","format":"date-time"},"expires_at":{"type":"string","format":"date-time"},"action":{"type":"string","enum":["hold","resume","locks","reclaim","release_force","status"]},"args":{"type":"object","additionalProperties":false,"properties":{"reason":{"type":"string","minLength":1,"maxLength":500},"for":{"type":"integer","minimum":1,"maximum":86400},"hold_for":{"type":"integer","minimum":1,"maximum":86400}}},"signature":{"type":"object"}},"allOf":[{"if":{"properties":{"action":{"const":"hold"}}},"then":{"properties":{"args":{"$ref":"#/definitions/hold_args"}}}},{"if":{"properties":{"action":{"const":"release_force"}}},"then":{"properties":{"args":{"$ref":"#/definitions/release_force_args"}}}},{"if":{"properties":{"action":{"enum":["resume","locks","reclaim","status"]}}},"then":{"properties":{"args":{"$ref":"#/definitions/no_args"}}}}],"definitions":{"hold_args":{"type":"object","additionalProperties":false,"required":["reason","for"],"properties":{"reason":{"type":"string","minLength":1,"maxLength":500},"for":{"type":"integer","minimum":1,"maximum":86400}}},"release_force_args":{"type":"object","additionalProperties":false,"required":["reason","hold_for"],"properties":{"reason":{"type":"string","minLength":1,"maxLength":500},"hold_for":{"type":"integer","minimum":1,"maximum":86400}}},"no_args":{"type":"object","additionalProperties":false,"maxProperties":0}},"$id":"https://aimlock.dev/schemas/command.screen.derived.json"};
const schema35 = {"type":"object","additionalProperties":false,"required":["reason","for"],"properties":{"reason":{"type":"string","minLength":1,"maxLength":500},"for":{"type":"integer","minimum":1,"maximum":86400}}};
const schema36 = {"type":"object","additionalProperties":false,"required":["reason","hold_for"],"properties":{"reason":{"type":"string","minLength":1,"maxLength":500},"hold_for":{"type":"integer","minimum":1,"maximum":86400}}};
const schema37 = {"type":"object","additionalProperties":false,"maxProperties":0};

function validate20(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="https://aimlock.dev/schemas/command.screen.derived.json" */;
let vErrors = null;
let errors = 0;
const _errs2 = errors;
let valid1 = true;
const _errs3 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.action !== undefined){
if("hold" !== data.action){
const err0 = {};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
}
var _valid0 = _errs3 === errors;
errors = _errs2;
if(vErrors !== null){
if(_errs2){
vErrors.length = _errs2;
}
else {
vErrors = null;
}
}
if(_valid0){
const _errs5 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.args !== undefined){
let data1 = data.args;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
if(data1.reason === undefined){
const err1 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/hold_args/required",keyword:"required",params:{missingProperty: "reason"},message:"must have required property '"+"reason"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data1.for === undefined){
const err2 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/hold_args/required",keyword:"required",params:{missingProperty: "for"},message:"must have required property '"+"for"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
for(const key0 in data1){
if(!((key0 === "reason") || (key0 === "for"))){
const err3 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/hold_args/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data1.reason !== undefined){
let data2 = data1.reason;
if(typeof data2 === "string"){
if(func3(data2) > 500){
const err4 = {instancePath:instancePath+"/args/reason",schemaPath:"#/definitions/hold_args/properties/reason/maxLength",keyword:"maxLength",params:{limit: 500},message:"must NOT have more than 500 characters"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(func3(data2) < 1){
const err5 = {instancePath:instancePath+"/args/reason",schemaPath:"#/definitions/hold_args/properties/reason/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
else {
const err6 = {instancePath:instancePath+"/args/reason",schemaPath:"#/definitions/hold_args/properties/reason/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data1.for !== undefined){
let data3 = data1.for;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
const err7 = {instancePath:instancePath+"/args/for",schemaPath:"#/definitions/hold_args/properties/for/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 > 86400 || isNaN(data3)){
const err8 = {instancePath:instancePath+"/args/for",schemaPath:"#/definitions/hold_args/properties/for/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400},message:"must be <= 86400"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if(data3 < 1 || isNaN(data3)){
const err9 = {instancePath:instancePath+"/args/for",schemaPath:"#/definitions/hold_args/properties/for/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
}
}
else {
const err10 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/hold_args/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
}
var _valid0 = _errs5 === errors;
valid1 = _valid0;
}
if(!valid1){
const err11 = {instancePath,schemaPath:"#/allOf/0/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
const _errs15 = errors;
let valid6 = true;
const _errs16 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.action !== undefined){
if("release_force" !== data.action){
const err12 = {};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
}
var _valid1 = _errs16 === errors;
errors = _errs15;
if(vErrors !== null){
if(_errs15){
vErrors.length = _errs15;
}
else {
vErrors = null;
}
}
if(_valid1){
const _errs18 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.args !== undefined){
let data5 = data.args;
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
if(data5.reason === undefined){
const err13 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/release_force_args/required",keyword:"required",params:{missingProperty: "reason"},message:"must have required property '"+"reason"+"'"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(data5.hold_for === undefined){
const err14 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/release_force_args/required",keyword:"required",params:{missingProperty: "hold_for"},message:"must have required property '"+"hold_for"+"'"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
for(const key1 in data5){
if(!((key1 === "reason") || (key1 === "hold_for"))){
const err15 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/release_force_args/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data5.reason !== undefined){
let data6 = data5.reason;
if(typeof data6 === "string"){
if(func3(data6) > 500){
const err16 = {instancePath:instancePath+"/args/reason",schemaPath:"#/definitions/release_force_args/properties/reason/maxLength",keyword:"maxLength",params:{limit: 500},message:"must NOT have more than 500 characters"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
if(func3(data6) < 1){
const err17 = {instancePath:instancePath+"/args/reason",schemaPath:"#/definitions/release_force_args/properties/reason/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
else {
const err18 = {instancePath:instancePath+"/args/reason",schemaPath:"#/definitions/release_force_args/properties/reason/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
if(data5.hold_for !== undefined){
let data7 = data5.hold_for;
if(!(((typeof data7 == "number") && (!(data7 % 1) && !isNaN(data7))) && (isFinite(data7)))){
const err19 = {instancePath:instancePath+"/args/hold_for",schemaPath:"#/definitions/release_force_args/properties/hold_for/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
if((typeof data7 == "number") && (isFinite(data7))){
if(data7 > 86400 || isNaN(data7)){
const err20 = {instancePath:instancePath+"/args/hold_for",schemaPath:"#/definitions/release_force_args/properties/hold_for/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400},message:"must be <= 86400"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
if(data7 < 1 || isNaN(data7)){
const err21 = {instancePath:instancePath+"/args/hold_for",schemaPath:"#/definitions/release_force_args/properties/hold_for/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
}
}
else {
const err22 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/release_force_args/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
}
var _valid1 = _errs18 === errors;
valid6 = _valid1;
}
if(!valid6){
const err23 = {instancePath,schemaPath:"#/allOf/1/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
const _errs28 = errors;
let valid11 = true;
const _errs29 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.action !== undefined){
let data8 = data.action;
if(!((((data8 === "resume") || (data8 === "locks")) || (data8 === "reclaim")) || (data8 === "status"))){
const err24 = {};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
}
var _valid2 = _errs29 === errors;
errors = _errs28;
if(vErrors !== null){
if(_errs28){
vErrors.length = _errs28;
}
else {
vErrors = null;
}
}
if(_valid2){
const _errs31 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.args !== undefined){
let data9 = data.args;
if(data9 && typeof data9 == "object" && !Array.isArray(data9)){
if(Object.keys(data9).length > 0){
const err25 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/no_args/maxProperties",keyword:"maxProperties",params:{limit: 0},message:"must NOT have more than 0 properties"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
for(const key2 in data9){
const err26 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/no_args/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
else {
const err27 = {instancePath:instancePath+"/args",schemaPath:"#/definitions/no_args/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
}
var _valid2 = _errs31 === errors;
valid11 = _valid2;
}
if(!valid11){
const err28 = {instancePath,schemaPath:"#/allOf/2/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.kind === undefined){
const err29 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if(data.id === undefined){
const err30 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "id"},message:"must have required property '"+"id"+"'"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
if(data.device === undefined){
const err31 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "device"},message:"must have required property '"+"device"+"'"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
if(data.issued_at === undefined){
const err32 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "issued_at"},message:"must have required property '"+"issued_at"+"'"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
if(data.expires_at === undefined){
const err33 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "expires_at"},message:"must have required property '"+"expires_at"+"'"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
if(data.action === undefined){
const err34 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "action"},message:"must have required property '"+"action"+"'"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
if(data.args === undefined){
const err35 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "args"},message:"must have required property '"+"args"+"'"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
for(const key3 in data){
if(!((((((((key3 === "kind") || (key3 === "id")) || (key3 === "device")) || (key3 === "issued_at")) || (key3 === "expires_at")) || (key3 === "action")) || (key3 === "args")) || (key3 === "signature"))){
const err36 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
if(data.kind !== undefined){
if("aimlock.command/v1" !== data.kind){
const err37 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "aimlock.command/v1"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
if(data.id !== undefined){
let data11 = data.id;
if(typeof data11 === "string"){
if(func3(data11) > 128){
const err38 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
if(func3(data11) < 1){
const err39 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
if(!pattern0.test(data11)){
const err40 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9._:-]+$"},message:"must match pattern \""+"^[A-Za-z0-9._:-]+$"+"\""};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
else {
const err41 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
if(data.device !== undefined){
let data12 = data.device;
if(typeof data12 === "string"){
if(func3(data12) > 128){
const err42 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
if(func3(data12) < 1){
const err43 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
if(!pattern0.test(data12)){
const err44 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9._:-]+$"},message:"must match pattern \""+"^[A-Za-z0-9._:-]+$"+"\""};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
else {
const err45 = {instancePath:instancePath+"/device",schemaPath:"#/properties/device/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
if(data.issued_at !== undefined){
let data13 = data.issued_at;
if(typeof data13 === "string"){
if(!(formats0.validate(data13))){
const err46 = {instancePath:instancePath+"/issued_at",schemaPath:"#/properties/issued_at/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
else {
const err47 = {instancePath:instancePath+"/issued_at",schemaPath:"#/properties/issued_at/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
}
if(data.expires_at !== undefined){
let data14 = data.expires_at;
if(typeof data14 === "string"){
if(!(formats0.validate(data14))){
const err48 = {instancePath:instancePath+"/expires_at",schemaPath:"#/properties/expires_at/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
else {
const err49 = {instancePath:instancePath+"/expires_at",schemaPath:"#/properties/expires_at/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
if(data.action !== undefined){
let data15 = data.action;
if(typeof data15 !== "string"){
const err50 = {instancePath:instancePath+"/action",schemaPath:"#/properties/action/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
if(!((((((data15 === "hold") || (data15 === "resume")) || (data15 === "locks")) || (data15 === "reclaim")) || (data15 === "release_force")) || (data15 === "status"))){
const err51 = {instancePath:instancePath+"/action",schemaPath:"#/properties/action/enum",keyword:"enum",params:{allowedValues: schema34.properties.action.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
}
if(data.args !== undefined){
let data16 = data.args;
if(data16 && typeof data16 == "object" && !Array.isArray(data16)){
for(const key4 in data16){
if(!(((key4 === "reason") || (key4 === "for")) || (key4 === "hold_for"))){
const err52 = {instancePath:instancePath+"/args",schemaPath:"#/properties/args/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
}
if(data16.reason !== undefined){
let data17 = data16.reason;
if(typeof data17 === "string"){
if(func3(data17) > 500){
const err53 = {instancePath:instancePath+"/args/reason",schemaPath:"#/properties/args/properties/reason/maxLength",keyword:"maxLength",params:{limit: 500},message:"must NOT have more than 500 characters"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
if(func3(data17) < 1){
const err54 = {instancePath:instancePath+"/args/reason",schemaPath:"#/properties/args/properties/reason/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
}
else {
const err55 = {instancePath:instancePath+"/args/reason",schemaPath:"#/properties/args/properties/reason/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
if(data16.for !== undefined){
let data18 = data16.for;
if(!(((typeof data18 == "number") && (!(data18 % 1) && !isNaN(data18))) && (isFinite(data18)))){
const err56 = {instancePath:instancePath+"/args/for",schemaPath:"#/properties/args/properties/for/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
if((typeof data18 == "number") && (isFinite(data18))){
if(data18 > 86400 || isNaN(data18)){
const err57 = {instancePath:instancePath+"/args/for",schemaPath:"#/properties/args/properties/for/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400},message:"must be <= 86400"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
if(data18 < 1 || isNaN(data18)){
const err58 = {instancePath:instancePath+"/args/for",schemaPath:"#/properties/args/properties/for/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
}
if(data16.hold_for !== undefined){
let data19 = data16.hold_for;
if(!(((typeof data19 == "number") && (!(data19 % 1) && !isNaN(data19))) && (isFinite(data19)))){
const err59 = {instancePath:instancePath+"/args/hold_for",schemaPath:"#/properties/args/properties/hold_for/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
if((typeof data19 == "number") && (isFinite(data19))){
if(data19 > 86400 || isNaN(data19)){
const err60 = {instancePath:instancePath+"/args/hold_for",schemaPath:"#/properties/args/properties/hold_for/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400},message:"must be <= 86400"};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
if(data19 < 1 || isNaN(data19)){
const err61 = {instancePath:instancePath+"/args/hold_for",schemaPath:"#/properties/args/properties/hold_for/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
}
}
}
else {
const err62 = {instancePath:instancePath+"/args",schemaPath:"#/properties/args/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
if(data.signature !== undefined){
let data20 = data.signature;
if(!(data20 && typeof data20 == "object" && !Array.isArray(data20))){
const err63 = {instancePath:instancePath+"/signature",schemaPath:"#/properties/signature/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
}
}
else {
const err64 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
validate20.errors = vErrors;
return errors === 0;
}

