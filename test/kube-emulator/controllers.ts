// The controllers a real control plane runs for these objects, asynchronously like the real ones:
// - the PV controller's binder (pkg/controller/volume/persistentvolume/pv_controller.go): binds
//   claims to volumes (pre-bound by spec.volumeName or spec.claimRef, or the smallest matching
//   Available volume), sets claimRef, phases and annotations, leaves claims Pending with the real
//   events, marks volumes Released when their claim goes (Retain keeps them so);
// - the PVC and PV protection controllers (remove kubernetes.io/pvc-protection once no pod uses the
//   claim — there are no pods here — and kubernetes.io/pv-protection once the volume is not Bound);
// - the namespace controller (deletes a Terminating namespace's content, then the namespace);
// - the event recorder's aggregation (same event again → count and lastTimestamp).
import { randomBytes } from 'node:crypto';
import { clone, deepEqual, isObject, type JsonObject, objectAt, stringMap } from './json.ts';
import { quantityValue } from './quantity.ts';
import { PV_PROTECTION, PVC_PROTECTION, type Registry } from './registry.ts';
import { events, namespaces, persistentVolumeClaims, persistentVolumes } from './resources.ts';
import { parseLabelSelector } from './selectors.ts';
import { type Entry, metadataOf, type StoreEvent } from './store.ts';

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
const COMPONENT = 'persistentvolume-controller';

export interface ControllerOptions {
  /** Delay between an object changing and the controllers acting on it (a real controller's lag). */
  delayMs: number;
  /** Periodic re-sync of objects that are not settled (the real PV controller uses 15 s). */
  resyncMs: number;
}

function spec(o: JsonObject): JsonObject {
  return isObject(o.spec) ? o.spec : {};
}
function status(o: JsonObject): JsonObject {
  return isObject(o.status) ? o.status : {};
}
function name(o: JsonObject): string {
  return String(metadataOf(o).name ?? '');
}
function ns(o: JsonObject): string {
  return String(metadataOf(o).namespace ?? '');
}
function uid(o: JsonObject): string {
  return String(metadataOf(o).uid ?? '');
}
function annotations(o: JsonObject): Record<string, string> {
  return stringMap(metadataOf(o).annotations);
}
function claimClass(c: JsonObject): string {
  const s = spec(c);
  if (typeof s.storageClassName === 'string') return s.storageClassName;
  return annotations(c)['volume.beta.kubernetes.io/storage-class'] ?? '';
}
function volumeClass(v: JsonObject): string {
  const s = spec(v);
  if (typeof s.storageClassName === 'string') return s.storageClassName;
  return annotations(v)['volume.beta.kubernetes.io/storage-class'] ?? '';
}
function claimRefOf(v: JsonObject): JsonObject | undefined {
  const r = spec(v).claimRef;
  return isObject(r) ? r : undefined;
}
function isVolumeBoundToClaim(v: JsonObject, c: JsonObject): boolean {
  const ref = claimRefOf(v);
  if (!ref) return false;
  if (ref.name !== name(c) || ref.namespace !== ns(c)) return false;
  return ref.uid === undefined || ref.uid === '' || ref.uid === uid(c);
}
function requestBytes(c: JsonObject): number {
  const r = spec(c).resources;
  const req = isObject(r) && isObject(r.requests) ? r.requests : {};
  return quantityValue(req.storage ?? '0');
}
function capacityBytes(v: JsonObject): number {
  const cap = spec(v).capacity;
  return isObject(cap) ? quantityValue(cap.storage ?? '0') : 0;
}
function modes(o: JsonObject): string[] {
  const m = spec(o).accessModes;
  return Array.isArray(m) ? m.filter((x): x is string => typeof x === 'string') : [];
}

/** checkVolumeSatisfyClaim: the reasons the real controller gives. */
function volumeMismatch(v: JsonObject, c: JsonObject): string | undefined {
  if (metadataOf(v).deletionTimestamp !== undefined) return `the volume is marked for deletion "${name(v)}"`;
  if (capacityBytes(v) < requestBytes(c)) return 'requested PV is too small';
  if (volumeClass(v) !== claimClass(c)) return 'storageClassName does not match';
  const vm = String(spec(v).volumeMode ?? 'Filesystem');
  const cm = String(spec(c).volumeMode ?? 'Filesystem');
  if (vm !== cm) return 'incompatible volumeMode';
  const have = modes(v);
  if (!modes(c).every((m) => have.includes(m))) return 'incompatible accessMode';
  return undefined;
}

export class Controllers {
  private readonly registry: Registry;
  private readonly options: ControllerOptions;
  private readonly pendingClaims = new Set<string>();
  private readonly pendingVolumes = new Set<string>();
  private readonly pendingNamespaces = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private nextStep: NodeJS.Immediate | undefined;
  /** A timer's pass is under way (its syncs' own changes queue keys for the next pass). */
  private passing = false;
  private resyncTimer: NodeJS.Timeout | undefined;
  private readonly eventIndex = new Map<string, string>();
  /** claim key → volumes whose spec.claimRef names it. */
  private readonly claimRefIndex = new Map<string, Set<string>>();
  private readonly unsubscribe: () => void;
  private stopped = false;

  constructor(registry: Registry, options: ControllerOptions) {
    this.registry = registry;
    this.options = options;
    this.unsubscribe = registry.store.onEvent((e) => this.observe(e));
    this.scheduleResync();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    if (this.nextStep) clearImmediate(this.nextStep);
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
  }

  private observe(e: StoreEvent): void {
    if (e.resource === 'persistentvolumeclaims') {
      if (e.type !== 'DELETED') this.pendingClaims.add(e.key);
      const vol = spec(e.entry.object).volumeName;
      if (typeof vol === 'string' && vol !== '') this.pendingVolumes.add(vol);
      // Volumes that point at this claim react to it appearing or going.
      if (e.type !== 'MODIFIED')
        for (const v of this.claimRefIndex.get(e.key) ?? []) this.pendingVolumes.add(v);
    } else if (e.resource === 'persistentvolumes') {
      if (e.type !== 'DELETED') this.pendingVolumes.add(e.key);
      const before = e.previous ? claimRefOf(e.previous.object) : undefined;
      if (before)
        this.claimRefIndex
          .get(`${String(before.namespace ?? '')}/${String(before.name ?? '')}`)
          ?.delete(e.key);
      const ref = claimRefOf(e.entry.object);
      if (ref) {
        const claimKey = `${String(ref.namespace ?? '')}/${String(ref.name ?? '')}`;
        this.pendingClaims.add(claimKey);
        if (e.type !== 'DELETED') {
          let set = this.claimRefIndex.get(claimKey);
          if (!set) {
            set = new Set();
            this.claimRefIndex.set(claimKey, set);
          }
          set.add(e.key);
        } else {
          this.claimRefIndex.get(claimKey)?.delete(e.key);
        }
      }
    } else if (e.resource === 'namespaces' && e.type !== 'DELETED') {
      if (metadataOf(e.entry.object).deletionTimestamp !== undefined) this.pendingNamespaces.add(e.key);
    } else if (e.resource === 'persistentvolumeclaims' || e.resource === 'events') {
      // handled above
    }
    if (e.namespace !== '') {
      const nsEntry = this.registry.store.get('namespaces', e.namespace);
      if (nsEntry && metadataOf(nsEntry.object).deletionTimestamp !== undefined)
        this.pendingNamespaces.add(e.namespace);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.passing || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.runInSlices();
    }, this.options.delayMs);
    this.timer.unref();
  }

  /**
   * The timer's pass: what `run` does, one key per turn of the event loop, with the server's requests served in
   * between. The real controller is another process whose workers take one key at a time: a pass over hundreds
   * of keys in one go would hold every request up until it ends.
   */
  private runInSlices(): void {
    const work = this.take();
    let next = 0;
    this.passing = true;
    const step = () => {
      this.nextStep = undefined;
      if (this.stopped) return;
      const sync = work[next++];
      if (sync) this.safely(sync);
      if (next < work.length) {
        this.nextStep = setImmediate(step);
        return;
      }
      this.passing = false;
      if (this.pendingClaims.size + this.pendingVolumes.size + this.pendingNamespaces.size > 0)
        this.schedule();
    };
    step();
  }

  /** Nothing queued, no pass going on or due. */
  idle(): boolean {
    return (
      !this.passing &&
      this.timer === undefined &&
      this.pendingClaims.size + this.pendingVolumes.size + this.pendingNamespaces.size === 0
    );
  }

  /** Empties the queues into the syncs one pass makes: claims, then volumes, then namespaces. */
  private take(): (() => void)[] {
    const work: (() => void)[] = [];
    for (const key of this.pendingClaims) work.push(() => this.syncClaim(key));
    for (const key of this.pendingVolumes) work.push(() => this.syncVolume(key));
    for (const key of this.pendingNamespaces) work.push(() => this.syncNamespace(key));
    this.pendingClaims.clear();
    this.pendingVolumes.clear();
    this.pendingNamespaces.clear();
    return work;
  }

  private scheduleResync(): void {
    if (this.stopped) return;
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = undefined;
      for (const e of this.registry.store.values('persistentvolumeclaims')) {
        if (status(e.object).phase !== 'Bound' || metadataOf(e.object).deletionTimestamp !== undefined) {
          this.pendingClaims.add(`${ns(e.object)}/${name(e.object)}`);
        }
      }
      for (const e of this.registry.store.values('persistentvolumes')) {
        const phase = status(e.object).phase;
        if (phase === 'Pending' || metadataOf(e.object).deletionTimestamp !== undefined)
          this.pendingVolumes.add(name(e.object));
      }
      if (this.pendingClaims.size + this.pendingVolumes.size > 0) this.schedule();
      this.scheduleResync();
    }, this.options.resyncMs);
    this.resyncTimer.unref();
  }

  /** One pass over everything queued; errors (e.g. a conflict with a client's write) retry later. */
  run(): void {
    for (const sync of this.take()) this.safely(sync);
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch {
      // The next sync retries, as a controller's work queue does.
    }
  }

  private claim(key: string): Entry | undefined {
    return this.registry.store.get('persistentvolumeclaims', key);
  }

  private volume(volumeName: string): Entry | undefined {
    return this.registry.store.get('persistentvolumes', volumeName);
  }

  syncClaim(key: string): void {
    const entry = this.claim(key);
    if (!entry) return;
    const c = entry.object;
    if (metadataOf(c).deletionTimestamp !== undefined) {
      // pvc-protection: no pod uses the claim, so the finalizer goes.
      this.removeFinalizer(persistentVolumeClaims, ns(c), name(c), PVC_PROTECTION);
      return;
    }
    if (annotations(c)[ANN_BIND_COMPLETED] === undefined) this.syncUnboundClaim(c);
    else this.syncBoundClaim(c);
  }

  private syncUnboundClaim(c: JsonObject): void {
    const volumeName = spec(c).volumeName;
    if (typeof volumeName !== 'string' || volumeName === '') {
      const match = this.findBestMatch(c);
      if (match) {
        this.bind(match, c);
        return;
      }
      const cls = claimClass(c);
      if (cls === '')
        this.recordEvent(
          c,
          'Normal',
          'FailedBinding',
          'no persistent volumes available for this claim and no storage class is set',
        );
      else
        this.recordEvent(
          c,
          'Warning',
          'ProvisioningFailed',
          `storageclass.storage.k8s.io "${cls}" not found`,
        );
      this.updateClaimStatus(c, 'Pending', undefined);
      return;
    }
    const ve = this.volume(volumeName);
    if (!ve) {
      // The real controller waits for the volume without an event.
      this.updateClaimStatus(c, 'Pending', undefined);
      return;
    }
    const v = ve.object;
    if (claimRefOf(v) === undefined) {
      const why = volumeMismatch(v, c);
      if (why !== undefined) {
        this.recordEvent(
          c,
          'Warning',
          'VolumeMismatch',
          `Cannot bind to requested volume "${volumeName}": ${why}`,
        );
        this.updateClaimStatus(c, 'Pending', undefined);
        return;
      }
      this.bind(v, c);
    } else if (isVolumeBoundToClaim(v, c)) {
      this.bind(v, c);
    } else {
      this.recordEvent(
        c,
        'Warning',
        'FailedBinding',
        `volume "${volumeName}" already bound to a different claim.`,
      );
      this.updateClaimStatus(c, 'Pending', undefined);
    }
  }

  private syncBoundClaim(c: JsonObject): void {
    const volumeName = spec(c).volumeName;
    if (typeof volumeName !== 'string' || volumeName === '') {
      this.lose(
        c,
        'ClaimLost',
        'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!',
      );
      return;
    }
    const ve = this.volume(volumeName);
    if (!ve) {
      this.lose(c, 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      return;
    }
    const ref = claimRefOf(ve.object);
    if (!ref || ref.uid === uid(c)) this.bind(ve.object, c);
    else
      this.lose(c, 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
  }

  private lose(c: JsonObject, reason: string, message: string): void {
    if (status(c).phase === 'Lost') return;
    this.updateClaimStatus(c, 'Lost', undefined);
    this.recordEvent(c, 'Warning', reason, message);
  }

  /** findMatchingVolume: a volume pre-bound to the claim first, else the smallest that fits. */
  private findBestMatch(c: JsonObject): JsonObject | undefined {
    const selector = spec(c).selector;
    const matchLabels =
      isObject(selector) && isObject(selector.matchLabels) ? stringMap(selector.matchLabels) : undefined;
    const labelSel = matchLabels
      ? parseLabelSelector(
          Object.entries(matchLabels)
            .map(([k, v]) => `${k}=${v}`)
            .join(','),
        )
      : () => true;
    let best: JsonObject | undefined;
    for (const e of this.registry.store.values('persistentvolumes')) {
      const v = e.object;
      const ref = claimRefOf(v);
      if (ref && !isVolumeBoundToClaim(v, c)) continue;
      if (volumeMismatch(v, c) !== undefined) continue;
      if (ref) return v;
      if (status(v).phase !== 'Available') continue;
      if (!labelSel(stringMap(metadataOf(v).labels))) continue;
      if (!best || capacityBytes(v) < capacityBytes(best)) best = v;
    }
    return best;
  }

  private bind(volume: JsonObject, claim: JsonObject): void {
    const volumeName = name(volume);
    // bindVolumeToClaim
    let v = this.volume(volumeName)?.object;
    if (!v) return;
    const ref = claimRefOf(v);
    const setBoundByController = !isVolumeBoundToClaim(v, claim);
    const needsRef =
      !ref || ref.name !== name(claim) || ref.namespace !== ns(claim) || ref.uid !== uid(claim);
    if (needsRef || (setBoundByController && annotations(v)[ANN_BOUND_BY_CONTROLLER] === undefined)) {
      const updated = this.registry.controllerUpdate(persistentVolumes, '', volumeName, '', (o) => {
        if (needsRef) {
          objectAt(o, 'spec').claimRef = {
            kind: 'PersistentVolumeClaim',
            namespace: ns(claim),
            name: name(claim),
            uid: uid(claim),
            apiVersion: 'v1',
            resourceVersion: String(metadataOf(claim).resourceVersion ?? ''),
          };
        }
        if (setBoundByController)
          objectAt(objectAt(o, 'metadata'), 'annotations')[ANN_BOUND_BY_CONTROLLER] = 'yes';
      });
      if (!updated) return;
      v = updated.object;
    }
    // updateVolumePhase(Bound)
    if (status(v).phase !== 'Bound') {
      const updated = this.registry.controllerUpdate(persistentVolumes, '', volumeName, 'status', (o) => {
        const st = objectAt(o, 'status');
        st.phase = 'Bound';
        delete st.message;
      });
      if (!updated) return;
      v = updated.object;
    }
    // bindClaimToVolume
    let c = this.claim(`${ns(claim)}/${name(claim)}`)?.object;
    if (!c) return;
    const shouldBind = spec(c).volumeName !== volumeName;
    if (shouldBind || annotations(c)[ANN_BIND_COMPLETED] === undefined) {
      const updated = this.registry.controllerUpdate(persistentVolumeClaims, ns(c), name(c), '', (o) => {
        const ann = objectAt(objectAt(o, 'metadata'), 'annotations');
        if (shouldBind) {
          objectAt(o, 'spec').volumeName = volumeName;
          if (ann[ANN_BOUND_BY_CONTROLLER] === undefined) ann[ANN_BOUND_BY_CONTROLLER] = 'yes';
        }
        if (ann[ANN_BIND_COMPLETED] === undefined) ann[ANN_BIND_COMPLETED] = 'yes';
      });
      if (!updated) return;
      c = updated.object;
    }
    this.updateClaimStatus(c, 'Bound', v);
  }

  private updateClaimStatus(c: JsonObject, phase: string, volume: JsonObject | undefined): void {
    const st = status(c);
    const wantModes = volume ? spec(volume).accessModes : undefined;
    const wantCapacity = volume ? spec(volume).capacity : undefined;
    const same =
      st.phase === phase && deepEqual(st.accessModes, wantModes) && deepEqual(st.capacity, wantCapacity);
    if (same) return;
    this.registry.controllerUpdate(persistentVolumeClaims, ns(c), name(c), 'status', (o) => {
      const s = objectAt(o, 'status');
      s.phase = phase;
      if (wantModes === undefined) delete s.accessModes;
      else s.accessModes = clone(wantModes);
      if (wantCapacity === undefined) delete s.capacity;
      else s.capacity = clone(wantCapacity);
    });
  }

  private updateVolumePhase(v: JsonObject, phase: string, message?: string): void {
    if (status(v).phase === phase) return;
    this.registry.controllerUpdate(persistentVolumes, '', name(v), 'status', (o) => {
      const s = objectAt(o, 'status');
      s.phase = phase;
      if (message === undefined) delete s.message;
      else s.message = message;
    });
  }

  syncVolume(volumeName: string): void {
    const entry = this.volume(volumeName);
    if (!entry) return;
    const v = entry.object;
    if (metadataOf(v).deletionTimestamp !== undefined && status(v).phase !== 'Bound') {
      // pv-protection: a volume that is not Bound may go.
      this.removeFinalizer(persistentVolumes, '', volumeName, PV_PROTECTION);
      if (!this.volume(volumeName)) return;
    }
    const ref = claimRefOf(v);
    if (!ref || ref.uid === undefined || ref.uid === '') {
      this.updateVolumePhase(v, 'Available');
      return;
    }
    const claimEntry = this.claim(`${String(ref.namespace ?? '')}/${String(ref.name ?? '')}`);
    const claim = claimEntry && uid(claimEntry.object) === ref.uid ? claimEntry.object : undefined;
    if (!claim) {
      const phase = status(v).phase;
      if (phase !== 'Released' && phase !== 'Failed') {
        this.updateVolumePhase(v, 'Released');
        const policy = spec(v).persistentVolumeReclaimPolicy;
        if (policy === 'Delete') {
          const current = this.volume(volumeName)?.object;
          if (current) {
            const message = `error getting deleter volume plugin for volume "${volumeName}": no deletable volume plugin matched`;
            this.updateVolumePhase(current, 'Failed', message);
            this.recordEvent(current, 'Warning', 'VolumeFailedDelete', message);
          }
        }
      }
      return;
    }
    const claimVolume = spec(claim).volumeName;
    if (claimVolume === undefined || claimVolume === '') {
      this.pendingClaims.add(`${ns(claim)}/${name(claim)}`);
      this.schedule();
      return;
    }
    if (claimVolume === volumeName) {
      this.updateVolumePhase(v, 'Bound');
      return;
    }
    // The claim is bound to another volume.
    const updated = this.registry.controllerUpdate(persistentVolumes, '', volumeName, '', (o) => {
      if (annotations(o)[ANN_BOUND_BY_CONTROLLER] !== undefined) {
        delete objectAt(o, 'spec').claimRef;
        const ann = objectAt(objectAt(o, 'metadata'), 'annotations');
        delete ann[ANN_BOUND_BY_CONTROLLER];
        if (Object.keys(ann).length === 0) delete objectAt(o, 'metadata').annotations;
      } else {
        const r = claimRefOf(o);
        if (r) delete r.uid;
      }
    });
    if (updated) this.updateVolumePhase(updated.object, 'Available');
  }

  private removeFinalizer(
    def: typeof persistentVolumes,
    namespace: string,
    objName: string,
    finalizer: string,
  ): void {
    this.registry.controllerUpdate(def, namespace, objName, '', (o) => {
      const m = objectAt(o, 'metadata');
      const list = Array.isArray(m.finalizers) ? m.finalizers.filter((f) => f !== finalizer) : [];
      if (list.length === 0) delete m.finalizers;
      else m.finalizers = list;
    });
  }

  syncNamespace(nsName: string): void {
    const entry = this.registry.store.get('namespaces', nsName);
    if (!entry || metadataOf(entry.object).deletionTimestamp === undefined) return;
    let remaining = 0;
    for (const def of [persistentVolumeClaims, events]) {
      for (const e of this.registry.store.list(def.name, nsName)) {
        remaining++;
        if (metadataOf(e.object).deletionTimestamp === undefined) {
          this.safely(() => this.registry.delete(def, nsName, name(e.object), { dryRun: false }));
        }
      }
    }
    if (remaining > 0) {
      // Check again once the content is gone.
      this.pendingNamespaces.add(nsName);
      this.schedule();
      return;
    }
    this.registry.controllerUpdate(namespaces, '', nsName, 'finalize', (o) => {
      const s = objectAt(o, 'spec');
      const list = Array.isArray(s.finalizers) ? s.finalizers.filter((f) => f !== 'kubernetes') : [];
      if (list.length === 0) delete s.finalizers;
      else s.finalizers = list;
    });
  }

  /** EventRecorder.Event with the recorder's aggregation of repeats. */
  recordEvent(involved: JsonObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const namespace = ns(involved) === '' ? 'default' : ns(involved);
    const kind = String(involved.kind ?? '');
    const key = `${uid(involved)}\n${type}\n${reason}\n${message}`;
    const now = new Date(this.registry.options.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    const existingName = this.eventIndex.get(key);
    if (existingName && this.registry.store.get('events', `${namespace}/${existingName}`)) {
      this.registry.controllerUpdate(events, namespace, existingName, '', (o) => {
        o.count = (typeof o.count === 'number' ? o.count : 1) + 1;
        o.lastTimestamp = now;
      });
      return;
    }
    const eventName = `${name(involved)}.${randomBytes(8).toString('hex')}`;
    const involvedObject: JsonObject = {
      kind,
      name: name(involved),
      uid: uid(involved),
      apiVersion: 'v1',
      resourceVersion: String(metadataOf(involved).resourceVersion ?? ''),
    };
    if (ns(involved) !== '') involvedObject.namespace = ns(involved);
    const body: JsonObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: eventName, namespace },
      involvedObject,
      reason,
      message,
      source: { component: COMPONENT },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: COMPONENT,
      reportingInstance: '',
    };
    try {
      this.registry.create(events, namespace, body, {
        dryRun: false,
        fieldManager: 'kube-controller-manager',
        subresource: '',
      });
      this.eventIndex.set(key, eventName);
    } catch {
      // An event that cannot be written is dropped, as the recorder does.
    }
  }
}
