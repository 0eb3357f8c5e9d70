"""The callable lower-case names of ``dir(torch)`` that ``autograd_core`` deliberately does not
provide, pinned by family: a name ours drops, or one it newly covers, shows here as a list diff.

The list is torch 2.13's; other torch versions add and remove names, so the test runs only under
2.13. When ours adds a name, delete it from its family below.
"""

from __future__ import annotations

import pytest

import autograd_core as ac

# In-place functions on storage (resize_as_, and its sparse form) and nn.Embedding's internal
# row renormalisation (ours does it inside nn.Embedding with max_norm)
IN_PLACE = """
embedding_renorm_ resize_as_ resize_as_sparse_
"""
# Complex numbers: ours differentiates real functions only
COMPLEX = """
angle complex conj imag is_conj is_neg polar real resolve_conj resolve_neg view_as_complex
view_as_complex_copy view_as_real view_as_real_copy adjoint
"""
QUANTIZED = """
choose_qparams_optimized dequantize empty_quantized fake_quantize_per_channel_affine
fake_quantize_per_tensor_affine fused_moving_avg_obs_fake_quant int_repr q_per_channel_axis
q_per_channel_scales q_per_channel_zero_points q_scale q_zero_point qscheme quantize_per_channel
quantize_per_tensor quantize_per_tensor_dynamic quantized_batch_norm quantized_gru
quantized_gru_cell quantized_lstm quantized_lstm_cell quantized_max_pool1d quantized_max_pool2d
quantized_max_pool3d quantized_rnn_relu_cell quantized_rnn_tanh_cell
"""
SPARSE = """
ccol_indices_copy col_indices_copy crow_indices_copy dsmm hsmm hspmm indices_copy
row_indices_copy saddmm smm sparse_bsc_tensor sparse_bsr_tensor sparse_compressed_tensor
sparse_coo_tensor sparse_csc_tensor sparse_csr_tensor spmm sspaddmm values_copy
"""
# Backend kernels (cuDNN, MIOpen, MKL-DNN, FBGEMM) and their internal batch-norm pieces
BACKENDS = """
cudnn_affine_grid_generator cudnn_batch_norm cudnn_convolution cudnn_convolution_add_relu
cudnn_convolution_relu cudnn_convolution_transpose cudnn_grid_sampler cudnn_is_acceptable
miopen_batch_norm miopen_convolution miopen_convolution_add_relu miopen_convolution_relu
miopen_convolution_transpose miopen_ctc_loss miopen_depthwise_convolution miopen_rnn
mkldnn_adaptive_avg_pool2d mkldnn_convolution mkldnn_linear_backward_weights mkldnn_max_pool2d
mkldnn_max_pool3d mkldnn_rnn_layer fbgemm_linear_fp16_weight
fbgemm_linear_fp16_weight_fp32_activation fbgemm_linear_int8_weight
fbgemm_linear_int8_weight_fp32_activation fbgemm_linear_quantize_weight
fbgemm_pack_gemm_matrix_fp16 fbgemm_pack_quantized_matrix batch_norm_backward_elemt
batch_norm_backward_reduce batch_norm_elemt batch_norm_gather_stats
batch_norm_gather_stats_with_counts batch_norm_stats batch_norm_update_stats native_batch_norm
native_group_norm native_layer_norm native_norm norm_except_dim
"""
# TorchScript, torch.compile, symbolic shapes, autocast internals, multiprocessing, DLPack,
# storage files, and classes that are torch's types (dtype, layout, memory_format)
INTERNAL = """
autocast_decrement_nesting autocast_increment_nesting clear_autocast_cache
get_autocast_cpu_dtype get_autocast_dtype get_autocast_gpu_dtype get_autocast_ipu_dtype
get_autocast_xla_dtype is_autocast_cache_enabled is_autocast_cpu_enabled is_autocast_enabled
is_autocast_ipu_enabled is_autocast_xla_enabled set_autocast_cache_enabled
set_autocast_cpu_dtype set_autocast_cpu_enabled set_autocast_dtype set_autocast_enabled
set_autocast_gpu_dtype set_autocast_ipu_dtype set_autocast_ipu_enabled set_autocast_xla_dtype
set_autocast_xla_enabled sym_constrain_range sym_constrain_range_for_size sym_float
sym_fresh_size sym_int sym_ite sym_max sym_min sym_not sym_sqrt sym_sum compile cond fork wait
while_loop import_ir_module import_ir_module_from_buffer merge_type_from_type_comment parse_ir
parse_schema parse_type_comment unify_type_list classproperty compiled_with_cxx11_abi dtype
layout memory_format get_device_module get_file_path hash_tensor init_num_threads
is_distributed is_vulkan_available prepare_multiprocessing_environment
profiler_allow_cudagraph_cupti_lazy_reinit_cuda12 set_default_tensor_type set_flush_denormal
thread_safe_generator from_dlpack to_dlpack from_file frombuffer slice_inverse segment_reduce
"""
# Would be worth adding, not done yet: each is more than a wrapper of an existing function
NOT_YET = """
embedding_bag lobpcg stft istft
"""

PINNED = {
    name
    for group in (IN_PLACE, COMPLEX, QUANTIZED, SPARSE, BACKENDS, INTERNAL, NOT_YET)
    for name in group.split()
}


def _missing(torch) -> set[str]:
    return {
        m
        for m in dir(torch)
        if not m.startswith("_")
        and m.islower()
        and callable(getattr(torch, m, None))
        and not hasattr(ac, m)
    }


def test_the_names_ours_does_not_provide_are_the_pinned_ones(torch):
    if not torch.__version__.startswith("2.13"):
        pytest.skip(f"the pinned list is torch 2.13's; this is torch {torch.__version__}")
    missing = _missing(torch)
    newly_covered = sorted(PINNED - missing)
    dropped = sorted(missing - PINNED)
    assert not dropped, f"torch names ours no longer provides (a regression?): {dropped}"
    assert not newly_covered, f"now provided: delete them from the pinned list: {newly_covered}"


def test_the_pinned_families_do_not_overlap():
    groups = (IN_PLACE, COMPLEX, QUANTIZED, SPARSE, BACKENDS, INTERNAL, NOT_YET)
    assert sum(len(g.split()) for g in groups) == len(PINNED)
