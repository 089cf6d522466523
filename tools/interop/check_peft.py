#!/usr/bin/env python3
"""Cross-checks finetune4j against Hugging Face transformers + PEFT (CPU, float32, offline).

Usage: python3 tools/interop/check_peft.py OURS_DIR BASE_DIR OUT_DIR
  OURS_DIR  what InteropExport wrote (inputs.json, *_logits.safetensors, adapter_*/, merged_lora/)
  BASE_DIR  the tiny Llama base (HF directory with tokenizer.json and a chat template)
  OUT_DIR   receives report.json (every check: PASS/FAIL/ERROR/SKIP, message, details, traceback)
            and peft_real.tar (direction B: real PEFT adapters + their logits + manifest.json)

A. ours -> HF: tokenizer ids and chat template vs AutoTokenizer; base logits vs
   AutoModelForCausalLM; each adapter of ours through PeftModel.from_pretrained; the merged LoRA
   checkpoint as a plain model, and its weights vs PEFT's own merge_and_unload() of our LoRA adapter.
B. PEFT -> ours: LoRA, rsLoRA, DoRA, prompt tuning, prefix tuning made by PEFT with fixed seeds,
   saved with save_pretrained, with their logits on the same sequences, packed into peft_real.tar
   (unpack into src/test/resources/peft-real/ for RealPeftAdaptersTest).

Every check runs in its own try/except; report.json is rewritten after each one.
"""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")  # CPU only: sizes are tiny and results must not depend on CUDA

import json
import shutil
import sys
import tarfile
import tempfile
import time
import traceback

TOL = 1e-4            # max |logit difference| accepted
NONTRIVIAL = 1e-3     # an adapter must move the logits at least this much away from the base
LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
N_VIRTUAL = 8


def log(*args):
    print(*args, flush=True)


class Report:
    def __init__(self, path):
        self.path = path
        self.data = {"tolerance": TOL, "started": time.strftime("%Y-%m-%d %H:%M:%S"), "versions": {}, "checks": []}
        self.write()

    def write(self):
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.data, f, indent=2, ensure_ascii=False, default=str)
        os.replace(tmp, self.path)

    def check(self, name, fn):
        """Runs fn() -> (ok: bool, message: str, details: dict); records PASS/FAIL, or ERROR on an exception."""
        t0 = time.time()
        entry = {"name": name}
        try:
            result = fn()
            if result is None:
                ok, message, details = None, "skipped", {}
            else:
                ok, message, details = result
            entry["status"] = "SKIP" if ok is None else ("PASS" if ok else "FAIL")
            entry["message"] = message
            entry["details"] = details
        except Exception as e:  # noqa: BLE001 - every failure is recorded, none hides the others
            entry["status"] = "ERROR"
            entry["message"] = "%s: %s" % (type(e).__name__, e)
            entry["traceback"] = traceback.format_exc()
        entry["seconds"] = round(time.time() - t0, 2)
        self.data["checks"].append(entry)
        self.write()
        log("[%s] %s (%.1fs): %s" % (entry["status"], name, entry["seconds"], entry["message"]))
        if entry["status"] == "ERROR":
            log(entry["traceback"])
        return entry["status"]

    def summary(self):
        rows = self.data["checks"]
        width = max([len(r["name"]) for r in rows] + [10])
        log("")
        log("%-*s  %-6s  %s" % (width, "check", "status", "message"))
        log("-" * (width + 60))
        for r in rows:
            log("%-*s  %-6s  %s" % (width, r["name"], r["status"], str(r["message"])[:160]))
        counts = {}
        for r in rows:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        self.data["counts"] = counts
        self.data["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
        self.write()
        log("-" * (width + 60))
        log("counts: %s" % json.dumps(counts))
        return counts


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        sys.exit(2)
    ours_dir, base_dir, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(out_dir, exist_ok=True)
    rep = Report(os.path.join(out_dir, "report.json"))
    try:
        run(ours_dir, base_dir, out_dir, rep)
    except Exception:  # noqa: BLE001 - the report is written whatever happens
        rep.data["fatal"] = traceback.format_exc()
        rep.write()
        log("FATAL:\n" + rep.data["fatal"])
    counts = rep.summary()
    bad = counts.get("FAIL", 0) + counts.get("ERROR", 0) + (1 if "fatal" in rep.data else 0)
    sys.exit(1 if bad else 0)


def run(ours_dir, base_dir, out_dir, rep):
    import torch
    import transformers
    import peft
    import safetensors
    from safetensors.torch import load_file, save_file
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.set_num_threads(min(8, os.cpu_count() or 1))
    cpu = torch.device("cpu")
    rep.data["versions"] = {
        "python": sys.version.split()[0], "torch": torch.__version__, "transformers": transformers.__version__,
        "peft": peft.__version__, "safetensors": getattr(safetensors, "__version__", "?"),
    }
    try:
        import tokenizers
        rep.data["versions"]["tokenizers"] = tokenizers.__version__
    except Exception:  # noqa: BLE001
        pass
    try:
        import jinja2
        rep.data["versions"]["jinja2"] = jinja2.__version__
    except Exception:  # noqa: BLE001
        pass
    rep.write()
    log("versions: %s" % json.dumps(rep.data["versions"]))

    with open(os.path.join(ours_dir, "inputs.json"), encoding="utf-8") as f:
        inputs = json.load(f)
    seqs = inputs["sequences"]
    n_virtual = int(inputs.get("num_virtual_tokens", N_VIRTUAL))

    # ---------------------------------------------------------------- helpers
    def load_causal_lm(path, info=None):
        kw = {"attn_implementation": "eager"}
        model = None
        info_dtype = None
        errors = []
        # transformers 5 names it dtype, 4.x torch_dtype; an unknown key may raise or be ignored
        for dtype_key in ("dtype", "torch_dtype"):
            try:
                loaded = AutoModelForCausalLM.from_pretrained(
                    path, **{dtype_key: torch.float32}, output_loading_info=True, **kw)
            except TypeError as e:
                errors.append("%s: %s" % (dtype_key, e))
                continue
            if isinstance(loaded, tuple):
                model, loading = loaded[0], (loaded[1] if len(loaded) > 1 else {})
            else:
                model, loading = loaded, {}
            if info is not None and isinstance(loading, dict):
                for k, v in loading.items():
                    info[k] = sorted(str(x) for x in v) if isinstance(v, (set, list, tuple)) else str(v)
                tied = getattr(model.config, "tie_word_embeddings", False)
                if tied and "lm_head.weight" in info.get("missing_keys", []):
                    info["missing_keys"].remove("lm_head.weight")  # tied to embed_tokens, never stored
            info_dtype = dtype_key
            break
        if model is None:
            raise RuntimeError("from_pretrained failed: " + "; ".join(errors))
        if info is not None:
            info["dtype_kwarg"] = info_dtype
            info["param_dtypes"] = sorted({str(p.dtype) for p in model.parameters()})
        model = model.float().to(cpu)
        model.eval()
        return model

    @torch.no_grad()
    def logits_of(model, ids, skip=0):
        x = torch.tensor([ids], dtype=torch.long, device=cpu)
        out = model(input_ids=x, attention_mask=torch.ones_like(x))
        logits = out.logits if hasattr(out, "logits") else out[0]
        return logits[0, skip:].detach().to(torch.float32).contiguous()

    def compare_logits(expected_file, model, skip=0, base_file=None):
        """Our logits file vs model's logits for every sequence; returns (ok, message, details)."""
        ours = load_file(expected_file)
        base = load_file(base_file) if base_file else None
        details = {"per_sequence": {}}
        worst = 0.0
        moved_min = None
        for k, s in enumerate(seqs):
            key = "seq%d" % k
            theirs = logits_of(model, s["ids"], skip)
            mine = ours[key].to(torch.float32)
            if tuple(theirs.shape) != tuple(mine.shape):
                details["per_sequence"][key] = {"shape_ours": list(mine.shape), "shape_theirs": list(theirs.shape)}
                return False, "%s: shape ours %s vs HF %s" % (key, list(mine.shape), list(theirs.shape)), details
            d = (theirs - mine).abs()
            entry = {"max_abs_diff": d.max().item(), "mean_abs_diff": d.mean().item(),
                     "max_abs_logit": mine.abs().max().item(), "T": int(mine.shape[0]),
                     "argmax_agree": float((theirs.argmax(-1) == mine.argmax(-1)).float().mean().item())}
            if base is not None:
                moved = (mine - base[key].to(torch.float32)).abs().max().item()
                entry["ours_vs_base_max_abs"] = moved
                moved_min = moved if moved_min is None else min(moved_min, moved)
            details["per_sequence"][key] = entry
            worst = max(worst, entry["max_abs_diff"])
        details["max_abs_diff"] = worst
        ok = worst <= TOL
        msg = "max|diff| %.3g (tol %g); per seq %s" % (
            worst, TOL, ", ".join("%.2g" % details["per_sequence"]["seq%d" % k]["max_abs_diff"]
                                  for k in range(len(seqs))))
        if moved_min is not None:
            details["min_over_seqs_ours_vs_base"] = moved_min
            msg += "; adapter moves logits by >= %.3g" % moved_min
            if moved_min <= NONTRIVIAL:
                ok = False
                msg += " (VACUOUS: adapter does not change the logits)"
        return ok, msg, details

    def fresh_base():
        return load_causal_lm(base_dir)

    def ids_list(x):
        """input ids from whatever apply_chat_template/tokenizer returned."""
        if hasattr(x, "keys") and "input_ids" in x:
            x = x["input_ids"]
        if hasattr(x, "tolist"):
            x = x.tolist()
        if len(x) > 0 and isinstance(x[0], (list, tuple)):
            x = x[0]
        return [int(i) for i in x]

    def first_mismatch(a, b):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return i
        return min(len(a), len(b)) if len(a) != len(b) else -1

    # ---------------------------------------------------------------- A. tokenizer & chat template
    tok_holder = {}

    def load_tok():
        tok_holder["tok"] = AutoTokenizer.from_pretrained(base_dir)
        t = tok_holder["tok"]
        return True, "%s, vocab %d" % (type(t).__name__, len(t)), {"class": type(t).__name__}

    rep.check("A.tokenizer_load", load_tok)

    for k, s in enumerate(seqs):
        def raw_ids(s=s):
            tok = tok_holder["tok"]
            theirs = ids_list(tok(s["raw_text"], add_special_tokens=False)["input_ids"])
            ours = s["raw_ids"]
            i = first_mismatch(ours, theirs)
            return (i == -1, "equal (%d ids)" % len(ours) if i == -1 else "first mismatch at %d" % i,
                    {"ours": ours, "hf": theirs, "text": s["raw_text"]})

        rep.check("A.tokenizer_raw_seq%d_%s" % (k, s["label"]), raw_ids)

        def template(s=s):
            tok = tok_holder["tok"]
            rendered = tok.apply_chat_template(s["messages"], tokenize=False,
                                               add_generation_prompt=s["add_generation_prompt"])
            ok = rendered == s["rendered"]
            return ok, "identical" if ok else "differs", {"ours": s["rendered"], "hf": rendered}

        rep.check("A.chat_template_seq%d_%s" % (k, s["label"]), template)

        def chat_ids(s=s):
            tok = tok_holder["tok"]
            rendered = tok.apply_chat_template(s["messages"], tokenize=False,
                                               add_generation_prompt=s["add_generation_prompt"])
            theirs = ids_list(tok(rendered, add_special_tokens=False)["input_ids"])
            details = {"ours": s["ids"], "hf_encode_rendered": theirs}
            try:  # apply_chat_template(tokenize=True): list in transformers 4.x, BatchEncoding in 5.x
                details["hf_apply_chat_template_ids"] = ids_list(tok.apply_chat_template(
                    s["messages"], tokenize=True, add_generation_prompt=s["add_generation_prompt"]))
            except Exception as e:  # noqa: BLE001
                details["hf_apply_chat_template_error"] = repr(e)
            i = first_mismatch(s["ids"], theirs)
            j = -1
            if "hf_apply_chat_template_ids" in details:
                j = first_mismatch(s["ids"], details["hf_apply_chat_template_ids"])
            ok = i == -1 and j == -1
            return ok, ("equal (%d ids)" % len(s["ids"]) if ok else
                        "first mismatch: encode(rendered) at %d, apply_chat_template(tokenize=True) at %d" % (i, j)), \
                details

        rep.check("A.chat_ids_seq%d_%s" % (k, s["label"]), chat_ids)

    # ---------------------------------------------------------------- A. base logits
    def base_logits():
        info = {}
        model = load_causal_lm(base_dir, info)
        ok, msg, details = compare_logits(os.path.join(ours_dir, "base_logits.safetensors"), model)
        details["loading_info"] = info
        missing = info.get("missing_keys") or []
        if missing:
            ok = False
            msg += "; missing keys %s" % missing[:5]
        return ok, msg, details

    rep.check("A.base_logits", base_logits)

    # ---------------------------------------------------------------- A. our adapters through PEFT
    from peft import PeftModel, get_peft_model_state_dict

    for name, a in inputs.get("adapters", {}).items():
        adir = os.path.join(ours_dir, a["dir"])

        def ours_adapter(name=name, a=a, adir=adir):
            base = fresh_base()
            pm = PeftModel.from_pretrained(base, adir)
            pm.eval()
            skip = n_virtual if a["peft_type"] == "PROMPT_TUNING" else 0
            ok, msg, details = compare_logits(os.path.join(ours_dir, a["logits"]), pm, skip=skip,
                                              base_file=os.path.join(ours_dir, "base_logits.safetensors"))
            details["logit_rows_skipped"] = skip
            # what PEFT holds after loading must be exactly what we saved (a mis-named key would be left at its init)
            saved = load_file(os.path.join(adir, "adapter_model.safetensors"))
            held = get_peft_model_state_dict(pm)
            missing = sorted(set(saved) - set(held))
            extra = sorted(set(held) - set(saved))
            unequal = [k for k in saved if k in held and not torch.equal(
                saved[k].to(torch.float32), held[k].detach().to(cpu, torch.float32))]
            details["state_dict"] = {"saved": len(saved), "held": len(held), "missing_in_peft": missing[:10],
                                     "extra_in_peft": extra[:10], "unequal": unequal[:10]}
            if missing or extra or unequal:
                ok = False
                msg += "; state dict mismatch: %d missing, %d extra, %d unequal" % (
                    len(missing), len(extra), len(unequal))
            else:
                msg += "; PEFT holds all %d saved tensors exactly" % len(saved)
            return ok, msg, details

        rep.check("A.ours_adapter_%s" % name, ours_adapter)

    # ---------------------------------------------------------------- A. merged LoRA checkpoint
    merged = inputs.get("merged_lora")
    if merged is None:
        rep.check("A.ours_merged_lora", lambda: (None, "not exported (InteropExport --no-merged)", {}))
    else:
        mdir = os.path.join(ours_dir, merged["dir"])

        def merged_logits():
            info = {}
            model = load_causal_lm(mdir, info)
            ok, msg, details = compare_logits(os.path.join(ours_dir, merged["logits"]), model,
                                              base_file=os.path.join(ours_dir, "base_logits.safetensors"))
            details["loading_info"] = info
            details["weights_dtype"] = merged.get("weights_dtype")
            for key in ("missing_keys", "unexpected_keys", "mismatched_keys"):
                if info.get(key):
                    ok = False
                    msg += "; %s %s" % (key, info[key][:5])
            return ok, msg, details

        rep.check("A.ours_merged_lora_logits", merged_logits)

        def merged_weights():
            """Our merged tensors vs PEFT's merge_and_unload() of our LoRA adapter (at bf16 precision if bf16)."""
            base = fresh_base()
            pm = PeftModel.from_pretrained(base, os.path.join(ours_dir, inputs["adapters"]["lora"]["dir"]))
            plain = pm.merge_and_unload()
            reference = {k: v.detach().to(cpu, torch.float32) for k, v in plain.state_dict().items()}
            ours = {}
            for fname in sorted(os.listdir(mdir)):
                if fname.endswith(".safetensors"):
                    ours.update(load_file(os.path.join(mdir, fname)))
            bf16 = any(v.dtype == torch.bfloat16 for v in ours.values())
            missing = sorted(set(reference) - set(ours))
            tied = getattr(plain.config, "tie_word_embeddings", False)
            if tied and "lm_head.weight" in missing:
                missing.remove("lm_head.weight")
            extra = sorted(set(ours) - set(reference))
            worst_rel = 0.0
            worst_abs = 0.0
            worst_key = None
            for k, v in ours.items():
                if k not in reference:
                    continue
                r = reference[k]
                if bf16:
                    r = r.to(torch.bfloat16).to(torch.float32)
                d = (v.to(torch.float32) - r).abs()
                rel = (d / r.abs().clamp_min(1e-30)).max().item()
                if d.max().item() > worst_abs:
                    worst_abs, worst_key = d.max().item(), k
                worst_rel = max(worst_rel, rel if d.max().item() > 0 else 0.0)
            # bf16: one ulp (2^-7 relative) for values whose float32 merge lands next to a rounding boundary
            # f32: summation order differs (x + s*B@A), so an absolute 1e-6 rather than a relative bound
            limit_rel = 2.0 ** -7 if bf16 else float("inf")
            ok = not missing and not extra and worst_rel <= limit_rel and (bf16 or worst_abs <= 1e-6)
            msg = "%d tensors (%s); max abs diff %.3g at %s, max rel %.3g (limit %.3g)" % (
                len(ours), "bf16" if bf16 else "f32", worst_abs, worst_key, worst_rel, limit_rel)
            if missing or extra:
                msg += "; missing %s, extra %s" % (missing[:5], extra[:5])
            return ok, msg, {"missing": missing, "extra": extra, "max_abs": worst_abs, "max_rel": worst_rel,
                             "worst_key": worst_key}

        rep.check("A.ours_merged_lora_weights_vs_peft_merge", merged_weights)

    # ---------------------------------------------------------------- B. real PEFT adapters
    from peft import LoraConfig, PrefixTuningConfig, PromptTuningConfig, get_peft_model
    try:
        from peft import PromptTuningInit
        random_init = PromptTuningInit.RANDOM
    except ImportError:
        random_init = "RANDOM"

    stage = tempfile.mkdtemp(prefix="peft_real_")
    manifest = {
        "created_by": "tools/interop/check_peft.py",
        "versions": rep.data["versions"],
        "base_dir": base_dir,
        "num_virtual_tokens": n_virtual,
        "sequences": [{"name": "seq%d" % k, "label": s["label"], "ids": s["ids"]} for k, s in enumerate(seqs)],
        "logits_note": "each peft_NAME_logits.safetensors holds seqK -> (T, V) float32 for the T real tokens;"
                       " prompt tuning's N virtual-token rows were dropped (PEFT returns N+T rows)",
        "adapters": {},
    }

    def lora_cfg(**extra):
        return LoraConfig(r=8, lora_alpha=16, lora_dropout=0.0, target_modules=list(LORA_TARGETS),
                          init_lora_weights=False, bias="none", task_type="CAUSAL_LM", **extra)

    specs = [
        ("lora", lambda: lora_cfg(), 0),
        ("rslora", lambda: lora_cfg(use_rslora=True), 0),
        ("dora", lambda: lora_cfg(use_dora=True), 0),
        ("prompt", lambda: PromptTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=n_virtual,
                                              prompt_tuning_init=random_init), n_virtual),
        ("prefix", lambda: PrefixTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=n_virtual,
                                              prefix_projection=False), 0),
    ]
    base_logits_file = os.path.join(ours_dir, "base_logits.safetensors")
    for i, (name, make_cfg, skip) in enumerate(specs):
        def make(name=name, make_cfg=make_cfg, skip=skip, i=i):
            torch.manual_seed(1000 + i)
            base = fresh_base()
            pm = get_peft_model(base, make_cfg())
            perturbed = 0
            with torch.no_grad():
                for pname, p in pm.named_parameters():
                    if "lora_B" in pname:
                        # init_lora_weights=False leaves B ~ U(+-1/sqrt(r)) = +-0.35: scaled down so the logits
                        # stay in a range where an absolute 1e-4 tolerance is meaningful; still random, non-zero
                        p.mul_(0.25)
                    if "lora_magnitude_vector" in pname:  # DoRA: magnitudes off the weight norms
                        p.mul_(1.0 + 0.4 * (torch.rand_like(p) - 0.5))
                        perturbed += 1
            pm.eval()
            adir = os.path.join(stage, "peft_" + name)
            pm.save_pretrained(adir)
            logits = {"seq%d" % k: logits_of(pm, s["ids"], skip) for k, s in enumerate(seqs)}
            save_file(logits, os.path.join(stage, "peft_%s_logits.safetensors" % name), metadata={"format": "pt"})
            cfg = pm.peft_config["default"]
            files = sorted(os.listdir(adir))
            manifest["adapters"][name] = {
                "dir": "peft_" + name, "logits": "peft_%s_logits.safetensors" % name,
                "peft_type": str(getattr(cfg.peft_type, "value", cfg.peft_type)),
                "logit_rows_skipped": skip, "files": files, "magnitudes_perturbed": perturbed,
                "seed": 1000 + i, "lora_B_scale": 0.25 if cfg.peft_type == "LORA" or str(cfg.peft_type).endswith("LORA") else None,
            }
            with open(os.path.join(stage, "manifest.json"), "w", encoding="utf-8") as f:
                json.dump(manifest, f, indent=2, ensure_ascii=False, default=str)
            # non-vacuous: the adapter must move the logits away from the (verified) base
            base_l = load_file(base_logits_file)
            moved = min((logits["seq%d" % k] - base_l["seq%d" % k]).abs().max().item() for k in range(len(seqs)))
            with open(os.path.join(adir, "adapter_config.json"), encoding="utf-8") as f:
                saved_cfg = json.load(f)
            saved = load_file(os.path.join(adir, "adapter_model.safetensors"))
            details = {"files": files, "tensors": len(saved), "config": saved_cfg,
                       "example_keys": sorted(saved)[:4], "min_move_vs_our_base": moved}
            ok = moved > NONTRIVIAL and "adapter_model.safetensors" in files
            return ok, "saved %d tensors, %s; logits move >= %.3g from base" % (len(saved), files, moved), details

        rep.check("B.make_peft_%s" % name, make)

        def roundtrip(name=name, skip=skip):
            """PEFT reloads its own save to the same logits (so the saved files are what produced them)."""
            adir = os.path.join(stage, "peft_" + name)
            if not os.path.isdir(adir):
                return None, "not made", {}
            pm = PeftModel.from_pretrained(fresh_base(), adir)
            pm.eval()
            return compare_logits(os.path.join(stage, "peft_%s_logits.safetensors" % name), pm, skip=skip)

        rep.check("B.peft_reload_%s" % name, roundtrip)

    def pack():
        with open(os.path.join(stage, "manifest.json"), "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=2, ensure_ascii=False, default=str)
        tar_path = os.path.join(out_dir, "peft_real.tar")
        with tarfile.open(tar_path, "w") as tar:
            for entry in sorted(os.listdir(stage)):
                tar.add(os.path.join(stage, entry), arcname=entry)
        with tarfile.open(tar_path) as tar:
            names = tar.getnames()
        size = os.path.getsize(tar_path)
        return True, "%s: %d entries, %.2f MB" % (tar_path, len(names), size / 1e6), {"entries": names}

    rep.check("B.pack_tar", pack)
    shutil.rmtree(stage, ignore_errors=True)


if __name__ == "__main__":
    main()
